import { test as base, expect, Page } from "@playwright/test";

/** Fails the test on any console error or uncaught exception in the page. */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (message) => {
      // A 4xx answer (bad input, wrong password, unknown page) is what some
      // tests ask for; the browser logs it as a failed load. 5xx still fails.
      const expectedStatus = /Failed to load resource: the server responded with a status of 4\d\d/;
      if (message.type() === "error" && !expectedStatus.test(message.text())) errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(page);
    expect(errors, "errors in the browser console").toEqual([]);
  },
});

export { expect };

/** Waits until the WASM app has hydrated the server-rendered page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** The cards of the page's main listing (not the drops hero). */
export const cards = (page: Page) => page.locator("section.listing").getByTestId("product-card");
export const cardNames = (page: Page) => page.locator("section.listing .card__name");

export const PASSWORD = "correct horse battery";

/** A username no other test (or earlier run) has used. */
export function uniqueName(prefix: string) {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Fills and sends the registration form that is on the page. */
export async function register(page: Page, username: string) {
  await page.getByLabel("Prénom").fill("Ada");
  await page.getByLabel("Nom", { exact: true }).fill("Lovelace");
  await page.getByLabel("Identifiant").fill(username);
  await page.getByLabel("E-mail").fill(`${username}@example.com`);
  await page.getByLabel("Mot de passe", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Confirmez le mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
}

/** Fills the checkout form with a test card and pays. */
export async function fillCheckout(page: Page, card: string) {
  await page.getByLabel("Nom complet").fill("Ada Lovelace");
  await page.getByLabel("Adresse").fill("12 rue de la Paix");
  await page.getByLabel("Code postal").fill("75002");
  await page.getByLabel("Ville").fill("Paris");
  await page.getByLabel("Numéro de carte").fill(card);
  await page.getByLabel("Expiration (MM/AA)").fill("12/30");
  await page.getByLabel("Cryptogramme (CVC)").fill("123");
  await page.getByRole("button", { name: "Payer" }).click();
}
