import { test, expect, hydrated, readMail, register, uniqueName } from "./fixtures";
import type { Browser } from "@playwright/test";

/** The first link of the newest mail to `recipient` titled `subject`. */
async function linkFromMailbox(browser: Browser, recipient: string, subject: string) {
  const { links } = await readMail(browser, recipient, subject);
  expect(links[0]).toBeTruthy();
  return links[0];
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
