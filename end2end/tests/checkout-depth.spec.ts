import { execFileSync } from "node:child_process";
import { test, expect, hydrated, logInAsAdmin, register, uniqueName } from "./fixtures";

// A French checkout: an address saved on the account page and picked at
// checkout, a promo code made in the back office and tried on the basket,
// Point relais picked, HT / TVA / TTC stated, the order keeping its
// discount and delivery, and its invoice downloaded as a PDF and read back
// with poppler's text extractor.
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

    // An address saved in the book (the first: the default).
    await page.goto("/account");
    if (javaScriptEnabled) await hydrated(page);
    const book = page.locator("#addresses");
    await expect(book.getByTestId("addresses-empty")).toBeVisible();
    await book.getByLabel("Nom complet", { exact: true }).fill("Ada Relais");
    await book.getByLabel("Adresse", { exact: true }).fill("3 rue des Carmes");
    await book.getByLabel("Code postal", { exact: true }).fill("31000");
    await book.getByLabel("Ville", { exact: true }).fill("Toulouse");
    await book.getByLabel("Pays").selectOption("FR");
    await book.getByRole("button", { name: "Enregistrer l’adresse" }).click();
    await expect(page.locator("#addresses").getByTestId("saved-address")).toContainText("3 rue des Carmes");
    await expect(page.locator("#addresses").getByTestId("saved-address")).toContainText("Par défaut");
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
    // The saved address is picked: only the card is typed.
    await expect(page.getByLabel(/3 rue des Carmes/)).toBeChecked();
    await page.getByLabel("Numéro de carte").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiration (MM/AA)").fill("12/30");
    await page.getByLabel("Cryptogramme (CVC)").fill("123");
    await page.getByRole("button", { name: "Payer" }).click();

    await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
    const orderNumber = (await page.getByTestId("order-number").textContent())?.trim() ?? "";
    await expect(page.locator("address").first()).toContainText("3 rue des Carmes");
    await expect(page.getByTestId("order-discount")).toContainText(code);
    await expect(page.getByTestId("order-delivery")).toContainText("Point relais");
    await expect(page.getByTestId("order-total")).toHaveText("9,39 €");
    await expect(page.getByTestId("total-incl-vat")).toHaveText("9,39 €");

    // The invoice: numbered within seconds of the payment.
    const invoiceLink = page.getByTestId("document-invoice");
    await expect(async () => {
      await page.reload();
      await expect(invoiceLink).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const number = ((await invoiceLink.textContent()) ?? "").match(/FA-\d{6}/)?.[0];
    expect(number).toBeTruthy();
    const [download] = await Promise.all([page.waitForEvent("download"), invoiceLink.click()]);
    expect(download.suggestedFilename()).toBe(`facture-${number}.pdf`);
    const file = test.info().outputPath("invoice.pdf");
    await download.saveAs(file);
    const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" })
      .replace(/[\u00a0\u202f]/g, " ")
      .replace(/\s+/g, " ");
    expect(text).toContain("FACTURE");
    expect(text).toContain(`N° ${number}`);
    expect(text).toContain(`Commande n° ${orderNumber}`);
    expect(text).toContain("3 rue des Carmes");
    expect(text).toContain("Point relais");
    expect(text).toContain(`Code promo : ${code}`);
    expect(text).toContain("TVA 5,5 %");
    expect(text).toContain("Total TTC 9,39 €");
    await context.close();
  });
}
