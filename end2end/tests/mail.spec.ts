import { test, expect, hydrated, register, uniqueName } from "./fixtures";
import type { Browser } from "@playwright/test";

const ADMIN = process.env.E2E_ADMIN_USERNAME ?? "e2e-admin";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";

/** Opens the local mailbox as the administrator and returns the link of
 * the newest mail to `recipient` whose subject is `subject`. */
async function linkFromMailbox(browser: Browser, recipient: string, subject: string) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?return_to=%2Fadmin%2Fmail");
  await page.getByLabel("Identifiant ou e-mail").fill(ADMIN);
  await page.getByLabel("Mot de passe", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/admin\/mail$/);
  await expect(page.getByTestId("mail-delivery")).toContainText("boîte locale");
  // The worker sends within a second or so; the list shows the subject once it is written.
  const row = page.getByTestId("mail-row").filter({ hasText: recipient }).filter({ hasText: subject });
  await expect(async () => {
    await page.reload();
    await expect(row.first()).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });
  await row.first().getByRole("link", { name: subject }).click();
  await expect(page.getByTestId("mail-to")).toHaveText(recipient);
  const href = await page.getByTestId("mail-link").first().getAttribute("href");
  await context.close();
  expect(href).toBeTruthy();
  return href as string;
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`mail ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("forgot password: the link from the local mailbox sets a new password", async ({ page, browser }) => {
      const username = uniqueName(javaScriptEnabled ? "resetjs" : "resetnojs");
      const email = `${username}@example.com`;
      await page.goto("/register");
      if (javaScriptEnabled) await hydrated(page);
      await register(page, username);
      await expect(page.getByTestId("account-link")).toHaveText("Bonjour, Ada");
      await page.getByRole("button", { name: "Se déconnecter" }).click();

      await page.goto("/login");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
      await expect(page).toHaveURL(/\/password\/forgot$/);
      await page.getByLabel("E-mail").fill(email);
      await page.getByRole("button", { name: "Envoyer le lien" }).click();
      await expect(page.getByTestId("reset-sent")).toContainText("Si un compte existe pour cette adresse");

      const link = await linkFromMailbox(browser, email, "Réinitialisez votre mot de passe WonderMarket");
      expect(link).toContain("/password/reset?token=");
      await page.goto(link);
      if (javaScriptEnabled) await hydrated(page);
      const newPassword = "a brand new passphrase";
      await page.getByLabel("Nouveau mot de passe").fill(newPassword);
      await page.getByLabel("Confirmez le mot de passe").fill(newPassword);
      await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
      await expect(page).toHaveURL(/\/login$/);
      await expect(page.getByTestId("notice")).toHaveText("Mot de passe changé : connectez-vous avec le nouveau.");

      await page.getByLabel("Identifiant ou e-mail").fill(username);
      await page.getByLabel("Mot de passe", { exact: true }).fill(newPassword);
      await page.getByRole("button", { name: "Se connecter" }).click();
      await expect(page.getByTestId("account-link")).toHaveText("Bonjour, Ada");

      // The same link works once.
      await page.goto(link);
      await page.getByLabel("Nouveau mot de passe").fill("yet another passphrase");
      await page.getByLabel("Confirmez le mot de passe").fill("yet another passphrase");
      await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "ce lien n'est plus valide" })).toBeVisible();
    });
  });
}
