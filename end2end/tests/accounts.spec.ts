import { test, expect, hydrated, register, uniqueName, PASSWORD } from "./fixtures";

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`accounts ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("register, log out, log in, edit the profile", async ({ page }) => {
      const username = uniqueName(javaScriptEnabled ? "js" : "nojs");
      await page.goto("/p/le-petit-prince");
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("link", { name: "Se connecter" }).click();
      await expect(page).toHaveURL(/\/login\?return_to=%2Fp%2Fle-petit-prince/);
      await page.getByRole("link", { name: "Créer un compte" }).click();
      await register(page, username);

      // Back where the shopper was, logged in.
      await expect(page).toHaveURL(/\/p\/le-petit-prince$/);
      await expect(page.getByTestId("account-link")).toHaveText("Bonjour, Ada");

      await page.getByRole("button", { name: "Se déconnecter" }).click();
      await expect(page.getByRole("link", { name: "Se connecter" })).toBeVisible();

      await page.getByRole("link", { name: "Se connecter" }).click();
      await page.getByLabel("Identifiant ou e-mail").fill(username);
      await page.getByLabel("Mot de passe").fill("not my password");
      await page.getByRole("button", { name: "Se connecter" }).click();
      await expect(page.getByRole("alert").filter({ hasText: "Identifiant ou mot de passe incorrect" })).toBeVisible();

      await page.getByLabel("Identifiant ou e-mail").fill(username);
      await page.getByLabel("Mot de passe").fill(PASSWORD);
      await page.getByRole("button", { name: "Se connecter" }).click();
      await expect(page.getByTestId("account-link")).toHaveText("Bonjour, Ada");

      await page.getByTestId("account-link").click();
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByTestId("account-username")).toHaveText(username);
      const edit = page.locator("section", { has: page.getByRole("heading", { name: "Modifier mes informations" }) });
      await edit.getByLabel("Prénom").fill("Augusta");
      await edit.getByLabel("E-mail").fill("not-an-email");
      await edit.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page.getByText("saisissez une adresse e-mail valide")).toBeVisible();
      await edit.getByLabel("Prénom").fill("Augusta");
      await edit.getByLabel("E-mail").fill(`${username}@example.org`);
      await edit.getByLabel("Mot de passe actuel").fill("not my password");
      await edit.getByRole("button", { name: "Enregistrer" }).click();
      await expect(edit.getByText("le mot de passe actuel est incorrect")).toBeVisible();
      await edit.getByLabel("Prénom").fill("Augusta");
      await edit.getByLabel("E-mail").fill(`${username}@example.org`);
      await edit.getByLabel("Mot de passe actuel").fill(PASSWORD);
      await edit.getByRole("button", { name: "Enregistrer" }).click();
      await expect(page.getByTestId("account-link")).toHaveText("Bonjour, Augusta");
      await page.goto("/account");
      await expect(page.getByTestId("account-email")).toHaveText(`${username}@example.org`);
    });
  });
}

test("the account page sends guests to the login page", async ({ page }) => {
  await page.goto("/account");
  await expect(page).toHaveURL(/\/login\?return_to=%2Faccount/);
  await expect(page.locator("h1")).toHaveText("Se connecter");
});

test("registration explains what is wrong next to the field", async ({ page }) => {
  await page.goto("/register");
  await hydrated(page);
  await register(page, "x");
  await expect(page.locator("#field-username-error")).toHaveText(/3 à 32 caractères/);
  await expect(page.getByLabel("Identifiant")).toHaveAttribute("aria-invalid", "true");
});
