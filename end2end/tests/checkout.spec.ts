import { test, expect, hydrated, register, uniqueName } from "./fixtures";
import type { Page } from "@playwright/test";

async function registerAndLandOn(page: Page, path: string, javaScriptEnabled: boolean) {
  await page.goto(`/register?return_to=${encodeURIComponent(path)}`);
  if (javaScriptEnabled) await hydrated(page);
  await register(page, uniqueName("buyer"));
  await expect(page).toHaveURL(new RegExp(`${path}$`));
}

async function fillCheckout(page: Page, card: string) {
  await page.getByLabel("Nom complet").fill("Ada Lovelace");
  await page.getByLabel("Adresse").fill("12 rue de la Paix");
  await page.getByLabel("Code postal").fill("75002");
  await page.getByLabel("Ville").fill("Paris");
  await page.getByLabel("Numéro de carte").fill(card);
  await page.getByLabel("Expiration (MM/AA)").fill("12/30");
  await page.getByLabel("Cryptogramme (CVC)").fill("123");
  await page.getByRole("button", { name: "Payer" }).click();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`checkout ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("add to the basket, pay with a test card, see the order", async ({ page }) => {
      await registerAndLandOn(page, "/p/le-petit-prince", javaScriptEnabled);
      if (javaScriptEnabled) await hydrated(page);
      await page.getByLabel("Quantité").selectOption("2");
      await page.getByRole("button", { name: "Ajouter au panier" }).click();
      if (javaScriptEnabled) await expect(page.getByText("Ajouté au panier.")).toBeVisible();
      await expect(page.getByTestId("basket-count")).toHaveText("2");

      await page.getByRole("link", { name: /Panier/ }).click();
      await expect(page.getByTestId("basket-line")).toHaveCount(1);
      await expect(page.getByTestId("basket-subtotal")).toHaveText("15,80\u00a0€");
      await page.getByRole("link", { name: "Passer la commande" }).click();
      await expect(page).toHaveURL(/\/checkout$/);

      await fillCheckout(page, "4000 0000 0000 0002");
      await expect(page.getByRole("alert").filter({ hasText: "la carte a été refusée" })).toBeVisible();
      await page.goto("/basket");
      await expect(page.getByTestId("basket-line")).toHaveCount(1);

      await page.goto("/checkout");
      if (javaScriptEnabled) await hydrated(page);
      await fillCheckout(page, "4242 4242 4242 4242");
      await expect(page).toHaveURL(/\/account\?order=\d+/);
      await expect(page.getByTestId("order-confirmed")).toContainText("Votre commande est confirmée");
      await expect(page.getByTestId("order")).toHaveCount(1);
      await expect(page.getByTestId("order")).toContainText("15,80\u00a0€");
      await expect(page.getByTestId("basket-count")).toHaveText("0");
    });
  });
}

test("guests are asked to log in at checkout", async ({ page }) => {
  await page.goto("/checkout");
  await expect(page).toHaveURL(/\/login\?return_to=%2Fcheckout/);
});
