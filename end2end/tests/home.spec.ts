import { test, expect, hydrated, cards, cardNames } from "./fixtures";

test.describe("home page with JavaScript", () => {
  test("renders the catalogue and hydrates", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveTitle(/WonderMarket/);
    await expect(page.locator("h1")).toHaveText("Tous nos produits");
    await expect(cards(page)).toHaveCount(24);
    const ps5 = cards(page).filter({ hasText: "PlayStation 5 Slim" });
    await expect(ps5).toContainText("549,99\u00a0€");
    await expect(ps5).toContainText("Plus que 3 en stock");
    await hydrated(page);
    await page.screenshot({ path: "test-results/home.png" });
  });

  test("sorting by price runs client-side through a server function", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    // A full page load would wipe this marker.
    await page.evaluate(() => ((window as any).__noReload = true));
    await page.getByLabel("Trier par").selectOption("price_asc");
    await expect(page).toHaveURL(/sort=price_asc/);
    await expect(cardNames(page).first()).toHaveText("L'Étranger — Albert Camus");
    await page.getByLabel("Trier par").selectOption("price_desc");
    await expect(cardNames(page).first()).toHaveText(/RTX 5090/);
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  });

  test("pages forward and back", async ({ page }) => {
    await page.goto("/?sort=name");
    await hydrated(page);
    await page.getByRole("link", { name: /Suivante/ }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(cards(page)).toHaveCount(24);
    await page.getByRole("link", { name: /Précédente/ }).click();
    await expect(page).toHaveURL(/page=1/);
    await expect(cardNames(page).first()).toHaveText(/^Apple AirPods Pro 3$/);
  });

  test("switches to English in place", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    await page.evaluate(() => ((window as any).__noReload = true));
    await page.getByRole("button", { name: /English/ }).click();
    await expect(page.locator("h1")).toHaveText("All our products");
    await expect(cards(page).filter({ hasText: "PlayStation 5 Slim" })).toContainText("€549.99");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    // The choice is remembered by the server.
    await page.reload();
    await expect(page.locator("h1")).toHaveText("All our products");
  });

  test("unknown addresses show the 404 page", async ({ page }) => {
    const response = await page.goto("/nothing-here");
    expect(response?.status()).toBe(404);
    await expect(page.locator("h1")).toHaveText("Page introuvable");
    await page.getByRole("link", { name: "Retour à l'accueil" }).click();
    await expect(cards(page)).toHaveCount(24);
  });
});

test.describe("home page without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("lists, sorts and switches language with plain forms", async ({ page }) => {
    await page.goto("/");
    await expect(cards(page)).toHaveCount(24);
    await expect(cards(page).filter({ hasText: "PlayStation 5 Slim" })).toContainText("549,99\u00a0€");

    await page.getByLabel("Trier par").selectOption("price_asc");
    await page.getByRole("button", { name: "Trier" }).click();
    await expect(page).toHaveURL(/sort=price_asc/);
    await expect(cardNames(page).first()).toHaveText("L'Étranger — Albert Camus");

    await page.getByRole("link", { name: /Suivante/ }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(cards(page)).toHaveCount(24);

    await page.getByRole("button", { name: /English/ }).click();
    await expect(page.locator("h1")).toHaveText("All our products");
    await expect(page).toHaveURL(/page=2/);
  });
});

test.describe("moving around with JavaScript", () => {
  test("home page to a product, into the basket and back, with no full page load", async ({ page }) => {
    await page.goto("/");
    await hydrated(page);
    // A full page load would wipe this marker.
    await page.evaluate(() => ((window as any).__noReload = true));
    await cards(page).filter({ hasText: "PlayStation 5 Slim" }).locator(".card__link").click();
    await expect(page).toHaveURL(/\/p\/playstation-5-slim/);
    await expect(page.locator("h1")).toContainText("PlayStation 5 Slim");
    await expect(page).toHaveTitle(/PlayStation 5 Slim/);
    await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
    await expect(page.getByText("Ajouté au panier.")).toBeVisible();
    await expect(page.getByTestId("basket-count")).toHaveText("1");
    await page.goBack();
    await expect(page.locator("h1")).toHaveText("Tous nos produits");
    await expect(page.getByTestId("basket-count")).toHaveText("1");
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
    // The new page's islands run: the search box suggests as one types.
    await page.getByLabel("Rechercher dans la boutique").fill("zelda");
    await expect(page.getByRole("option").first()).toBeVisible();
  });
});
