import { test, expect, hydrated, cards, cardNames } from "./fixtures";

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`catalogue ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("search with a typo from the header, then open the product", async ({ page }) => {
      await page.goto("/");
      if (javaScriptEnabled) await hydrated(page);
      const box = page.getByRole("combobox", { name: "Rechercher dans la boutique" });
      await box.fill("plystation");
      await box.press("Enter");
      await expect(page).toHaveURL(/\/search\?q=plystation/);
      await expect(page.locator("h1")).toHaveText("Résultats pour « plystation »");
      await expect(cardNames(page).first()).toHaveText(/^PlayStation/);
      await page.getByRole("link", { name: /PlayStation 5 Slim/ }).first().click();
      await expect(page).toHaveURL(/\/p\/playstation-5-slim$/);
      await expect(page.locator("h1")).toHaveText("PlayStation 5 Slim (PS5) Édition Standard");
      await expect(page.locator(".product__price")).toHaveText("549,99\u00a0€");
      await expect(page.locator(".product")).toContainText("Plus que 3 en stock");
    });

    test("narrow a search with a category facet", async ({ page }) => {
      await page.goto("/search?q=nintendo");
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.getByRole("status")).toHaveText("3 résultats");
      await page.getByRole("navigation", { name: "Affiner par catégorie" }).getByRole("link", { name: /Consoles/ }).click();
      await expect(page).toHaveURL(/category=consoles/);
      await expect(page.getByRole("status")).toHaveText("2 résultats");
      await expect(cards(page)).toHaveCount(2);
    });

    test("page to page 2 of a category and back", async ({ page }) => {
      await page.goto("/");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("navigation", { name: "Catégories" }).getByRole("link", { name: "Consoles" }).click();
      await expect(page).toHaveURL(/\/c\/consoles$/);
      await expect(page.locator("h1")).toHaveText("Consoles");
      await page.goto("/?sort=name");
      if (javaScriptEnabled) await hydrated(page);
      const firstOnPage1 = await cardNames(page).first().textContent();
      await page.getByRole("link", { name: /Suivante/ }).click();
      await expect(page).toHaveURL(/page=2/);
      await expect(cardNames(page).first()).not.toHaveText(firstOnPage1 ?? "");
      await page.getByRole("link", { name: /Précédente/ }).click();
      await expect(page).toHaveURL(/page=1/);
      await expect(cardNames(page).first()).toHaveText(firstOnPage1 ?? "");
    });
  });
}

test.describe("search suggestions", () => {
  test("arrow keys and Enter open a suggested product", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    const box = page.getByRole("combobox", { name: "Rechercher dans la boutique" });
    await box.pressSequentially("nint", { delay: 40 });
    const listbox = page.getByRole("listbox", { name: "Suggestions" });
    await expect(listbox.getByRole("option").first()).toHaveText(/^Nintendo/);
    await expect(box).toHaveAttribute("aria-expanded", "true");
    await box.press("ArrowDown");
    await expect(listbox.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
    await box.press("Enter");
    await expect(page).toHaveURL(/\/p\/nintendo-/);
    await expect(page.locator("h1")).toHaveText(/^Nintendo Switch/);
  });

  test("Escape closes the suggestions", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    const box = page.getByRole("combobox", { name: "Rechercher dans la boutique" });
    await box.pressSequentially("zel", { delay: 40 });
    await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeVisible();
    await box.press("Escape");
    await expect(page.getByRole("listbox", { name: "Suggestions" })).toBeHidden();
    await expect(box).toHaveAttribute("aria-expanded", "false");
  });
});

test("an unknown product is the 404 page", async ({ page }) => {
  const response = await page.goto("/p/no-such-product");
  expect(response?.status()).toBe(404);
  await expect(page.locator("h1")).toHaveText("Page introuvable");
});
