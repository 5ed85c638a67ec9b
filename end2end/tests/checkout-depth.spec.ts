import { test, expect, fillCheckout, hydrated, logInAsAdmin, register, uniqueName } from "./fixtures";

// A French checkout: a promo code made in the back office, tried on the
// basket, Point relais picked, HT / TVA / TTC stated, the order keeping
// its discount and delivery.
for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test(`a code from the back office and Point relais at checkout, ${mode}`, async ({ browser }) => {
    const code = uniqueName("NOEL").toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 20);

    const adminContext = await browser.newContext({ javaScriptEnabled });
    const admin = await adminContext.newPage();
    await logInAsAdmin(admin, "/admin/promotions", javaScriptEnabled);
    await admin.getByLabel("Code (3 à 32 lettres, chiffres ou tirets)").fill(code);
    await admin.getByLabel("Type").selectOption("amount");
    await admin.getByLabel("Valeur (pourcentage, ou montant en euros)").fill("2");
    await admin.getByRole("button", { name: "Créer" }).click();
    await expect(admin.getByTestId("promo-code-row").filter({ hasText: code })).toContainText("−2,00");
    await adminContext.close();

    const context = await browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await page.goto("/register");
    if (javaScriptEnabled) await hydrated(page);
    await register(page, uniqueName("relay"));
    await expect(page.getByTestId("account-link")).toBeVisible();
    await page.goto("/p/le-petit-prince");
    if (javaScriptEnabled) await hydrated(page);
    await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
    await expect(page.getByTestId("basket-count")).toHaveText("1");

    await page.goto("/basket");
    await expect(page.getByTestId("delivery-estimate")).toContainText("Point relais");
    await page.getByLabel("Code promo").fill("nope-nope");
    await page.getByRole("button", { name: "Appliquer" }).click();
    await expect(page.getByTestId("promo-refusal")).toHaveText("ce code promo n'existe pas");
    await page.getByLabel("Code promo").fill(code.toLowerCase());
    await page.getByRole("button", { name: "Appliquer" }).click();
    await expect(page.getByTestId("discount")).toContainText("2,00");
    await page.getByRole("link", { name: "Passer la commande" }).click();
    await expect(page).toHaveURL(new RegExp(`/checkout\\?code=${code}$`));
    if (javaScriptEnabled) await hydrated(page);

    await expect(page.getByLabel("Code promo")).toHaveValue(code);
    await expect(page.getByLabel(/Point relais/)).toBeChecked();
    await page.getByLabel(/Colissimo domicile/).check();
    await page.getByLabel(/Point relais/).check();
    // 7,90 € − 2,00 € of books and 3,49 € by relay, all at 5,5 %.
    const vat = page.getByTestId("vat-breakdown");
    await expect(vat).toContainText("Total HT");
    await expect(vat).toContainText("TVA 5,5");
    await expect(page.getByTestId("total-incl-vat")).toHaveText("9,39 €");
    await fillCheckout(page, "4242 4242 4242 4242");

    await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
    await expect(page.getByTestId("order-discount")).toContainText(code);
    await expect(page.getByTestId("order-delivery")).toContainText("Point relais");
    await expect(page.getByTestId("order-total")).toHaveText("9,39 €");
    await expect(page.getByTestId("total-incl-vat")).toHaveText("9,39 €");
    await context.close();
  });
}
