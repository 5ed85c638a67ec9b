import { test, expect, fillCheckout, hydrated, logInAsAdmin, register, uniqueName } from "./fixtures";
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import type { Browser, Page } from "@playwright/test";

/** A PNG of `width` × `height` pixels in one colour. */
function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function customerBuys(browser: Browser, javaScriptEnabled: boolean, slug: string) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`/p/${slug}`);
  if (javaScriptEnabled) await hydrated(page);
  await expect(page.locator(".product__buy").getByText("Plus que 2")).toBeVisible();
  // The photo the back office put first leads the gallery.
  await expect(page.getByTestId("gallery-photo").first().getByRole("img")).toHaveAttribute("alt", "Console de dos");
  await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
  await expect(page.getByTestId("basket-count")).toHaveText("1");
  await page.goto("/register?return_to=%2Fcheckout");
  if (javaScriptEnabled) await hydrated(page);
  await register(page, uniqueName("fan"));
  await expect(page).toHaveURL(/\/checkout$/);
  if (javaScriptEnabled) await hydrated(page);
  await fillCheckout(page, "4242 4242 4242 4242");
  await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
  const number = (await page.getByTestId("order-number").textContent()) ?? "";
  return { page, context, number };
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`back office ${mode}`, () => {
    test.use({ javaScriptEnabled });

    test("an admin creates a product with an image, a customer buys it, the admin ships it", async ({ page, browser }) => {
      const name = uniqueName("drop");
      await logInAsAdmin(page, "/admin/products/new", javaScriptEnabled);
      await page.getByLabel("Nom", { exact: true }).fill(`Console ${name}`);
      await page.getByLabel("Prix (€, ex. 12,90)").fill("499,99");
      await page.getByLabel("Stock").fill("2");
      await page.getByRole("button", { name: "Créer" }).click();
      await expect(page).toHaveURL(/\/admin\/products\/\d+\?created=1$/);
      await expect(page.getByTestId("admin-product-name")).toHaveText(`Console ${name}`);
      await expect(page.getByTestId("admin-stock")).toHaveText("2");

      // Two photos; the second moves first.
      const photos = page.getByTestId("admin-photos");
      const upload = async (alt: string, colour: [number, number, number]) => {
        await photos.getByLabel("PNG, JPEG ou WebP, 2 Mo au plus, 640 pixels de large au moins").setInputFiles({
          name: `${alt}.png`, mimeType: "image/png", buffer: solidPng(800, 600, colour),
        });
        await photos.locator("#photo-alt-new").fill(alt);
        await photos.getByRole("button", { name: "Ajouter la photo" }).click();
        await expect(page).toHaveURL(/\?photos=added#photos$/);
      };
      await upload("Console de face", [220, 30, 30]);
      await upload("Console de dos", [30, 30, 220]);
      await expect(page.getByTestId("admin-photo")).toHaveCount(2);
      await page.getByTestId("admin-photo").nth(1).getByRole("button", { name: "Avant" }).click();
      await expect(page).toHaveURL(/\?photos=moved#photos$/);
      await expect(page.getByTestId("admin-photo").first().getByRole("img")).toHaveAttribute("alt", "Console de dos");
      await expect(page.getByTestId("admin-photo").first().getByRole("img")).toHaveAttribute("src", /^\/media\/photos\/[0-9a-f]{32}-320\.jpg$/);

      const customer = await customerBuys(browser, javaScriptEnabled, `console-${name}`);
      await expect(customer.page.getByTestId("order-status")).toHaveText("Payée");

      await page.goto("/admin/orders?status=paid");
      const row = page.getByTestId("admin-orders").getByRole("row").filter({ hasText: `#${customer.number}` });
      await expect(row).toContainText("Payée");
      await row.getByRole("link", { name: `#${customer.number}` }).click();
      await page.getByRole("button", { name: "Marquer : Expédiée" }).click();
      await expect(page.getByTestId("order-status").first()).toHaveText("Expédiée");

      await customer.page.goto(`/orders/${customer.number}`);
      await expect(customer.page.getByTestId("order-status")).toHaveText("Expédiée");
      await customer.context.close();
    });

    test("an admin holds a drop in baskets for 10 minutes; the shopper sees until when in the basket and at checkout", async ({ page, browser }) => {
      const name = uniqueName("held");
      await logInAsAdmin(page, "/admin/products/new", javaScriptEnabled);
      await page.getByLabel("Nom", { exact: true }).fill(`Console ${name}`);
      await page.getByLabel("Prix (€, ex. 12,90)").fill("499,99");
      await page.getByLabel("Stock").fill("1");
      await page.getByLabel("Réserver au panier pendant (minutes, vide : non)").fill("10");
      await page.getByRole("button", { name: "Créer" }).click();
      await expect(page).toHaveURL(/\/admin\/products\/\d+\?created=1$/);
      const productPage = page.url().replace(/\?.*$/, "");

      // Holds are for accounts: the shopper signs up first.
      const context = await browser.newContext({ javaScriptEnabled });
      const shopper = await context.newPage();
      await shopper.goto(`/register?return_to=${encodeURIComponent(`/p/console-${name}`)}`);
      if (javaScriptEnabled) await hydrated(shopper);
      await register(shopper, uniqueName("early"));
      await expect(shopper).toHaveURL(new RegExp(`/p/console-${name}$`));
      if (javaScriptEnabled) await hydrated(shopper);
      await shopper.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      await expect(shopper.getByTestId("basket-count")).toHaveText("1");
      await shopper.goto("/basket");
      if (javaScriptEnabled) await hydrated(shopper);
      const hold = shopper.getByTestId("basket-hold");
      await expect(hold).toContainText(/Réservé pour vous jusqu'à \d{2} h \d{2}\./);
      if (javaScriptEnabled) {
        await expect(shopper.getByTestId("hold-countdown")).toHaveText(/Encore (9|10) min \d{2} s\./);
      } else {
        await expect(shopper.getByTestId("hold-countdown")).toHaveCount(0);
      }
      await shopper.getByRole("link", { name: "Passer la commande" }).click();
      await expect(shopper).toHaveURL(/\/checkout$/);
      await expect(shopper.getByTestId("basket-hold")).toContainText(/Réservé pour vous jusqu'à \d{2} h \d{2}\./);

      // For everyone else the console is gone while it is held.
      const other = await browser.newContext({ javaScriptEnabled });
      const otherPage = await other.newPage();
      await otherPage.goto(`/p/console-${name}`);
      await expect(otherPage.locator(".product__buy")).toContainText("Épuisé");
      await other.close();
      await page.goto(productPage);
      await expect(page.getByTestId("admin-stock-now")).toContainText("Disponible maintenant : 0 · 1 réservé dans un panier");

      if (javaScriptEnabled) await hydrated(shopper);
      await fillCheckout(shopper, "4242 4242 4242 4242");
      await expect(shopper).toHaveURL(/\/orders\/\d+\?placed=1$/);
      await expect(shopper.getByTestId("order-status")).toHaveText("Payée");
      await context.close();
    });
  });
}

test("customers and guests never reach the back office", async ({ page }) => {
  const guest = await page.goto("/admin/products");
  expect(guest?.status()).toBe(200);
  await expect(page).toHaveURL(/\/login\?return_to=%2Fadmin%2Fproducts/);
  await page.goto("/register");
  await hydrated(page);
  await register(page, uniqueName("curious"));
  await expect(page.getByTestId("account-link")).toBeVisible();
  const response = await page.goto("/admin/users");
  expect(response?.status()).toBe(404);
  await expect(page.getByTestId("admin-users")).toHaveCount(0);
});

test("the catalogue is exported as CSV, and an edited file is checked, then applied", async ({ page }) => {
  await logInAsAdmin(page, "/admin/catalogue", false);
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Exporter le catalogue (CSV)" }).click();
  const file = await download;
  const path = await file.path();
  const text = readFileSync(path, "utf8");
  expect(text.split("\n")[0]).toBe(
    "sku,product,name,name_en,description,description_en,category,options,options_en,values,values_en,price,stock,max_per_order,max_per_customer,hold_minutes,image",
  );
  const sku = uniqueName("CSV-").toUpperCase();
  const edited = `${text.trimEnd()}\n${sku},,Poster ${sku},Poster ${sku},Un poster.,A poster.,livres,,,,,"9,90",12,3,,,\n`;

  await page.getByLabel("Fichier CSV").setInputFiles({ name: "catalogue.csv", mimeType: "text/csv", buffer: Buffer.from(edited) });
  await page.getByRole("button", { name: "Vérifier le fichier" }).click();
  await expect(page).toHaveURL(/\/admin\/catalogue\/imports\/\d+$/);
  await expect(page.getByTestId("import-summary")).toContainText("1 à créer, 0 à modifier");
  await expect(page.getByTestId("import-rows").getByRole("row").filter({ hasText: sku })).toContainText("créé");
  await page.getByRole("button", { name: "Appliquer l'import" }).click();
  await expect(page.getByTestId("import-applied")).toHaveText("Import appliqué.");
  await expect(page.getByRole("button", { name: "Appliquer l'import" })).toHaveCount(0);

  // A file with a bad row is refused whole, with the row's line and reason.
  await page.goto("/admin/catalogue");
  const bad = `${text.split("\n")[0]}\n${sku}-B,,Poster,,,,livres,,,,,gratuit,1,1,,,\n`;
  await page.getByLabel("Fichier CSV").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Vérifier le fichier" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Le fichier est refusé" })).toBeVisible();
  await expect(page.getByTestId("import-errors").getByRole("row").nth(1)).toContainText("2");
  await expect(page.getByTestId("import-errors")).toContainText("price");
});
