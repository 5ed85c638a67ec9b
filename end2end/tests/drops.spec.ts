import { Browser } from "@playwright/test";
import { test, expect, fillCheckout, hydrated, logInAsAdmin, register, uniqueName } from "./fixtures";

/** A `datetime-local` value at the shop (Europe/Paris), `minutes` from now. */
function parisTime(minutes: number): string {
  const at = new Date(Date.now() + minutes * 60_000);
  const text = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
  return text.replace(" ", "T");
}

/** The administrator schedules a drop in the back office (a plain form). */
async function scheduleDrop(browser: Browser, name: string, sku: string, opensIn: number) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const admin = await context.newPage();
  await logInAsAdmin(admin, "/admin/drops", false);
  await admin.getByLabel("Nom", { exact: true }).fill(name);
  await admin.getByLabel("Ouverture (heure de Paris)").fill(parisTime(opensIn));
  await admin.getByLabel("Références (SKU) des variantes").fill(sku);
  await admin.getByLabel("Salle d'attente : minutes avant l'ouverture (vide : sans salle)").fill("1440");
  await admin.getByLabel("Secondes entre deux vagues").fill("1");
  await admin.getByRole("button", { name: "Créer", exact: true }).click();
  await expect(admin).toHaveURL(/\/admin\/drops\?created=\d+$/);
  await expect(admin.getByText("Drop créé.")).toBeVisible();
  await expect(admin.getByTestId("admin-drops")).toContainText(name);
  await context.close();
}

for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`a drop ${mode}`, () => {
    test.use({ javaScriptEnabled });
    // An administrator schedules the drop first, then the shopper's journey.
    test.setTimeout(60_000);

    test("a coming drop shows its opening, and refuses its variant before it", async ({ page, browser }) => {
      const [slug, sku] = javaScriptEnabled
        ? ["nintendo-switch-oled", "NINTENDO-SWITCH-OLED"]
        : ["manette-dualsense-edge", "MANETTE-DUALSENSE-EDGE"];
      await scheduleDrop(browser, `Switch ${uniqueName("drop")}`, sku, 24 * 60);
      await page.goto(`/p/${slug}`);
      if (javaScriptEnabled) await hydrated(page);
      const notice = page.getByTestId("drop-notice");
      await expect(notice).toContainText("Ouverture le");
      if (javaScriptEnabled) await expect(notice.locator(".drop__countdown")).toContainText(/Ouverture dans 2[34] h/);
      // "Prévenez-moi": mailed at the opening.
      await expect(page.getByTestId("stock-alert")).toContainText("Pas encore en vente");
      await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      await expect(page.getByRole("alert").filter({ hasText: "ce produit sera en vente à l'ouverture de son drop" })).toBeVisible();
      await expect(page.getByTestId("basket-count")).toHaveText("0");
      // The room takes its pre-queue a day ahead: a visitor joins it.
      await notice.getByRole("link", { name: "Entrer dans la salle d'attente" }).click();
      await expect(page).toHaveURL(/\/drops\/\d+$/);
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("button", { name: "Rejoindre la file" }).click();
      await expect(page.getByTestId("room-status")).toHaveAttribute("data-state", "pre_queue");
      await expect(page.getByTestId("room-status")).toContainText("les places sont tirées au sort");
    });

    test("a shopper joins the room, waits, is admitted and buys", async ({ page, browser }) => {
      const [slug, sku, name] = javaScriptEnabled
        ? ["xbox-series-x", "XBOX-SERIES-X", "Xbox Series X"]
        : ["xbox-series-s", "XBOX-SERIES-S", "Xbox Series S"];
      // Opened a minute ago: a new visitor queues behind the pre-queue.
      await scheduleDrop(browser, `Xbox ${uniqueName("drop")}`, sku, -1);
      await page.goto("/register");
      if (javaScriptEnabled) await hydrated(page);
      await register(page, uniqueName("queuer"));
      await expect(page.getByTestId("account-link")).toBeVisible();
      await page.goto(`/p/${slug}`);
      if (javaScriptEnabled) await hydrated(page);
      // Without an admission the variant cannot be added.
      await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      await expect(page.getByRole("alert").filter({ hasText: "attendez-y votre tour" })).toBeVisible();
      await page.getByTestId("drop-notice").getByRole("link", { name: "Entrer dans la salle d'attente" }).click();
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("button", { name: "Rejoindre la file" }).click();
      // The room refreshes itself (a poll with JavaScript, a refresh without).
      const status = page.getByTestId("room-status");
      await expect(status).toHaveAttribute("data-state", "admitted", { timeout: 20_000 });
      await expect(status).toContainText("C'est votre tour");
      await page.getByRole("link", { name }).click();
      await expect(page).toHaveURL(new RegExp(`/p/${slug}`));
      if (javaScriptEnabled) await hydrated(page);
      await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      await expect(page.getByTestId("basket-count")).toHaveText("1");
      await page.goto("/checkout");
      if (javaScriptEnabled) await hydrated(page);
      await fillCheckout(page, "4242 4242 4242 4242");
      await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
      await expect(page.getByTestId("order-lines")).toContainText(name);
    });
  });
}
