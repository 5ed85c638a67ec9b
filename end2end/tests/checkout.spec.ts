import { test, expect, fillCheckout, hydrated, register, uniqueName } from "./fixtures";

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`buying ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("a guest adds a scarce console (Steam Deck, 5 left), registers, finds the basket merged and pays", async ({ page }) => {
      await page.goto("/p/steam-deck-oled");
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.locator(".product__buy").getByText(/Plus que \d/)).toBeVisible();
      await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      if (javaScriptEnabled) await expect(page.getByText("Ajouté au panier.")).toBeVisible();
      await expect(page.getByTestId("basket-count")).toHaveText("1");

      await page.goto("/register");
      if (javaScriptEnabled) await hydrated(page);
      await register(page, uniqueName("buyer"));
      await expect(page).toHaveURL(/\/basket$/);
      await expect(page.getByTestId("merge-notice")).toContainText("1 article(s) de votre visite");
      await expect(page.getByTestId("basket-line")).toHaveCount(1);
      await expect(page.getByTestId("basket-line")).toContainText("Steam Deck");
      await expect(page.getByTestId("basket-count")).toHaveText("1");

      await page.getByRole("link", { name: "Passer la commande" }).click();
      await expect(page).toHaveURL(/\/checkout$/);
      if (javaScriptEnabled) await hydrated(page);
      await fillCheckout(page, "4000 0000 0000 0002");
      await expect(page.getByRole("alert").filter({ hasText: "la carte a été refusée" })).toBeVisible();
      await page.goto("/basket");
      await expect(page.getByTestId("basket-line")).toHaveCount(1);

      await page.goto("/checkout");
      if (javaScriptEnabled) await hydrated(page);
      await fillCheckout(page, "4242 4242 4242 4242");
      await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
      await expect(page.getByTestId("order-confirmed")).toContainText("Votre commande est confirmée");
      await expect(page.getByTestId("order-status")).toHaveText("Payée");
      await expect(page.getByTestId("order-lines")).toContainText("Steam Deck");
      await expect(page.getByTestId("basket-count")).toHaveText("0");
      const number = await page.getByTestId("order-number").textContent();

      await page.goto("/account");
      await expect(page.getByTestId("order")).toHaveCount(1);
      await expect(page.getByTestId("order")).toContainText(`Commande n° ${number}`);
    });

    test("change a quantity and remove a line on the basket page", async ({ page }) => {
      await page.goto("/c/livres");
      if (javaScriptEnabled) await hydrated(page);
      const book = page.locator("section.listing").getByTestId("product-card").filter({ hasText: "Le Petit Prince" });
      await book.getByRole("button", { name: /Ajouter/ }).click();
      await expect(page.getByTestId("basket-count")).toHaveText("1");

      await page.goto("/basket");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByLabel("Quantité").fill("3");
      await page.getByRole("button", { name: "Mettre à jour" }).click();
      await expect(page.getByTestId("basket-quantity")).toHaveText("3");
      await expect(page.getByTestId("basket-count")).toHaveText("3");
      await page.getByRole("button", { name: /Retirer/ }).click();
      await expect(page.getByText("Votre panier est vide.")).toBeVisible();
      await expect(page.getByTestId("basket-count")).toHaveText("0");
    });
  });
}

test("guests are asked to log in at checkout", async ({ page }) => {
  await page.goto("/checkout");
  await expect(page).toHaveURL(/\/login\?return_to=%2Fcheckout/);
});
