import { test as base, expect, Browser, Page } from "@playwright/test";

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
  await page.getByLabel("Nom complet", { exact: true }).fill("Ada Lovelace");
  await page.getByLabel("Adresse", { exact: true }).fill("12 rue de la Paix");
  await page.getByLabel("Code postal", { exact: true }).fill("75002");
  await page.getByLabel("Ville", { exact: true }).fill("Paris");
  await page.getByLabel("Numéro de carte").fill(card);
  await page.getByLabel("Expiration (MM/AA)").fill("12/30");
  await page.getByLabel("Cryptogramme (CVC)").fill("123");
  await page.getByRole("button", { name: "Payer" }).click();
}

const ADMIN = process.env.E2E_ADMIN_USERNAME ?? "e2e-admin";
const ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? "";

/** Logs the administrator `make test` created in, landing on `returnTo`. */
export async function logInAsAdmin(page: Page, returnTo: string, javaScriptEnabled: boolean) {
  await page.goto(`/login?return_to=${encodeURIComponent(returnTo)}`);
  if (javaScriptEnabled) await hydrated(page);
  await page.getByLabel("Identifiant ou e-mail").fill(ADMIN);
  await page.getByLabel("Mot de passe").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(new RegExp(`${returnTo}$`));
  // The back office is server-rendered forms only: never hydrated, its code
  // is not in the shoppers' bundle.
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("body[data-hydrated]")).toHaveCount(0);
}

/**
 * Every page a person sees, with the ids it needs: a customer's basket,
 * checkout, order and account, then every back-office page as the
 * administrator. `visit` is called on each path, logged in as its reader.
 */
export async function everyPersonalPage(
  browser: Browser,
  visit: (page: Page, path: string) => Promise<void>,
) {
  // Pages of their own contexts (one per reader): axe-core needs one.
  const customerContext = await browser.newContext();
  const customer = await customerContext.newPage();
  await customer.goto("/register");
  await register(customer, uniqueName("pages"));
  await expect(customer.getByTestId("account-link")).toBeVisible();
  await customer.goto("/p/le-petit-prince");
  await customer.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
  await expect(customer.getByTestId("basket-count")).toHaveText("1");
  await visit(customer, "/basket");
  await visit(customer, "/checkout");
  await customer.goto("/checkout");
  await fillCheckout(customer, "4242 4242 4242 4242");
  await expect(customer.getByTestId("order-status")).toHaveText("Payée");
  const order = new URL(customer.url()).pathname;
  await visit(customer, order);
  await visit(customer, "/account");
  await customerContext.close();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await logInAsAdmin(admin, "/admin", false);
  const firstLink = async (list: string, pattern: RegExp) => {
    await admin.goto(list);
    const hrefs = await admin.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    const found = hrefs.find((href) => pattern.test(href));
    expect(found, `a link matching ${pattern} on ${list}`).toBeTruthy();
    return found as string;
  };
  const product = await firstLink("/admin/products", /^\/admin\/products\/\d+$/);
  // A product with photos tied to its colours.
  const gallery = await firstLink("/admin/products?q=Flip7", /^\/admin\/products\/\d+$/);
  const user = await firstLink("/admin/users", /^\/admin\/users\/\d+$/);
  const mail = await firstLink("/admin/mail", /^\/admin\/mail\/\d+$/);
  const orderId = order.split("/").pop();
  for (const path of [
    "/admin",
    "/admin/products",
    "/admin/products/new",
    product,
    gallery,
    "/admin/categories",
    "/admin/delivery",
    "/admin/promotions",
    "/admin/reports/sales",
    "/admin/catalogue",
    "/admin/drops",
    "/admin/orders",
    `/admin/orders/${orderId}`,
    "/admin/users",
    user,
    "/admin/mail",
    mail,
    "/admin/api-tokens",
    "/admin/webhooks",
  ]) {
    await visit(admin, path);
  }
  await adminContext.close();
}

/** The newest mail to `recipient` titled `subject`, read in the back
 * office's local mailbox as the administrator: its text and its links. */
export async function readMail(browser: Browser, recipient: string, subject: string) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?return_to=%2Fadmin%2Fmail");
  await page.getByLabel("Identifiant ou e-mail").fill(process.env.E2E_ADMIN_USERNAME ?? "e2e-admin");
  await page.getByLabel("Mot de passe", { exact: true }).fill(process.env.E2E_ADMIN_PASSWORD ?? "");
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
  const text = await page.getByTestId("mail-text").innerText();
  const links = await page.getByTestId("mail-link").evaluateAll((found) => found.map((a) => a.getAttribute("href") ?? ""));
  await context.close();
  return { text, links };
}
