import { test, expect, hydrated, logInAsAdmin, uniqueName } from "./fixtures";

// An open product page follows its stock live (Server-Sent Events fed by
// PostgreSQL LISTEN/NOTIFY): a change made elsewhere reaches it without a
// reload. Without JavaScript the page is right at every load instead.
test.describe("live stock with JavaScript", () => {
  test.use({ javaScriptEnabled: true });
  test.setTimeout(60_000);

  test("a watched product page's badge falls as stock goes, then says sold out", async ({ page, browser }) => {
    const name = uniqueName("live");
    const context = await browser.newContext({ javaScriptEnabled: false });
    const admin = await context.newPage();
    await logInAsAdmin(admin, "/admin/products/new", false);
    await admin.getByLabel("Nom", { exact: true }).fill(`Console ${name}`);
    await admin.getByLabel("Prix (€, ex. 12,90)").fill("499,99");
    await admin.getByLabel("Stock").fill("3");
    await admin.getByRole("button", { name: "Créer" }).click();
    await expect(admin).toHaveURL(/\/admin\/products\/\d+\?created=1$/);

    // The page's stream is open before anything changes.
    const streaming = page.waitForResponse((response) => response.url().includes("/live?"));
    await page.goto(`/p/console-${name}`);
    await hydrated(page);
    expect((await streaming).status()).toBe(200);
    const badge = page.locator(".product__buy [data-live-stock]");
    await expect(badge).toHaveText("Plus que 3 en stock");
    const loads: string[] = [];
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) loads.push(frame.url());
    });

    // Two units leave the shelf in the back office: the open page follows.
    const adjust = async (delta: string) => {
      await admin.getByLabel("Variation (ex. 5 ou -2)").fill(delta);
      await admin.getByLabel("Motif").fill("inventaire");
      await admin.getByRole("button", { name: "Ajuster le stock" }).click();
    };
    await adjust("-2");
    await expect(badge).toHaveText("Plus que 1 en stock");
    await adjust("-1");
    await expect(badge).toHaveText("Épuisé");
    await expect(badge).toHaveClass(/stock--out/);
    expect(loads, "the page never reloaded").toEqual([]);
    await context.close();
  });
});
