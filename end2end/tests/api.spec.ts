import { test, expect, hydrated, register, uniqueName, PASSWORD } from "./fixtures";

// A developer's first steps: the API's reference read in the browser, a
// token made on the account page (shown once), used to call the API,
// then revoked; with JavaScript and without.
const base = process.env.BASE_URL ?? "http://127.0.0.1:3000";

/** A call to the API with `token`, from outside the browser (no cookie). */
async function call(path: string, token: string) {
  return fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a token made on the account page calls the API until revoked, ${mode}`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();

    await page.goto("/api/docs");
    await expect(page.getByRole("heading", { level: 1 })).toContainText("WonderMarket API");
    await expect(page.locator("#op-checkout")).toContainText("Idempotency-Key");

    await page.goto("/register");
    if (javaScriptEnabled) await hydrated(page);
    await register(page, uniqueName("dev"));
    await expect(page.getByTestId("account-link")).toBeVisible();
    await page.goto("/account");
    if (javaScriptEnabled) await hydrated(page);
    const section = page.locator("#api-tokens");
    await expect(section.getByTestId("tokens-empty")).toBeVisible();
    await section.getByLabel("Nom", { exact: true }).fill("Mon script");
    await section.getByLabel("Écriture (panier, paiement, adresses)").check();
    await section.getByLabel("Valable").selectOption("7");
    await section.getByLabel("Mot de passe actuel").fill(PASSWORD);
    await section.getByRole("button", { name: "Créer le jeton" }).click();
    const fresh = page.locator("#api-tokens").getByTestId("fresh-token");
    await expect(fresh).toContainText("Copiez ce jeton maintenant");
    const token = (await fresh.locator("code").textContent())?.trim() ?? "";
    expect(token).toMatch(/^wm_[A-Za-z0-9_-]{43}$/);
    await expect(page.locator("#api-tokens").getByTestId("api-token-row")).toContainText("read, write");

    const account = await call("/api/v1/account", token);
    expect(account.status).toBe(200);
    expect((await account.json()).username).toMatch(/^dev/);

    // Shown once: the next visit lists it without its secret.
    await page.goto("/account");
    await expect(page.locator("#api-tokens").getByTestId("fresh-token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token);

    await page.locator("#api-tokens").getByRole("button", { name: "Révoquer" }).click();
    await expect(page.locator("#api-tokens").getByTestId("api-token-row")).toContainText("révoqué");
    expect((await call("/api/v1/account", token)).status).toBe(401);
    await context.close();
  });
}
