import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { test, expect, everyPersonalPage, fillCheckout, hydrated, register, uniqueName } from "./fixtures";

/** axe-core finds nothing on the page as it stands. */
async function accessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  expect(found, `axe-core on ${what}`).toEqual([]);
}

test("every shopper page passes axe-core", async ({ page }) => {
  // Thirteen pages, each analysed in full.
  test.setTimeout(120_000);
  for (const path of ["/", "/c/livres", "/p/steam-deck-oled", "/p/samsung-galaxy-z-flip7", "/search?q=nintendo", "/search?q=xyzzy", "/login", "/register", "/basket", "/nothing-here"]) {
    await page.goto(path);
    await hydrated(page);
    await accessible(page, path);
  }

  // The pages of a customer: a basket, the checkout, an order, the account.
  await page.goto("/register");
  await register(page, uniqueName("axe"));
  await expect(page.getByTestId("account-link")).toBeVisible();
  await page.goto("/p/le-petit-prince");
  await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
  await expect(page.getByTestId("basket-count")).toHaveText("1");
  await page.getByRole("link", { name: /Panier/ }).click();
  await expect(page.getByTestId("basket-line")).toHaveCount(1);
  await hydrated(page);
  await accessible(page, "/basket with a line");
  await page.getByRole("link", { name: "Passer la commande" }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await accessible(page, "/checkout");
  await fillCheckout(page, "4242 4242 4242 4242");
  await expect(page.getByTestId("order-status")).toHaveText("Payée");
  await accessible(page, "an order page");
  await page.goto("/account");
  await expect(page.getByTestId("order")).toHaveCount(1);
  await accessible(page, "/account");
});

test("a customer's pages and every back-office page pass axe-core", async ({ browser }) => {
  test.setTimeout(180_000);
  await everyPersonalPage(browser, async (page, path) => {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await accessible(page, path);
  });
});
