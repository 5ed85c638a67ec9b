import { test, expect, fillCheckout, hydrated, readMail, register, uniqueName } from "./fixtures";
// Products with options: the shopper picks a variant with radio groups (a GET
// form, so the URL names the variant), sees its price, stock and photo, and
// the basket names what was chosen.
for (const javaScriptEnabled of [true, false]) {
  const mode = javaScriptEnabled ? "with JavaScript" : "without JavaScript";

  test.describe(`variants ${mode}`, () => {
    test.use({ javaScriptEnabled });

    /** Picks `value` in the group `option`; without JavaScript, sends the form. */
    async function choose(page: import("@playwright/test").Page, option: string, value: string) {
      const group = page.getByRole("group", { name: option });
      await group.getByText(value, { exact: true }).click();
      if (!javaScriptEnabled) await page.getByRole("button", { name: "Voir cette version" }).click();
    }

    test("a card leads to the product, a size is chosen, and the basket, the order and its mail name it", async ({ page, browser }) => {
      await page.goto("/c/jeux-video");
      const card = page.locator("section.listing").getByTestId("product-card").filter({ hasText: "T-shirt Pac-Man" });
      await expect(card).toContainText("à partir de");
      await expect(card).toContainText("24,99");
      await card.getByRole("link", { name: /Choisir/ }).click();
      await expect(page).toHaveURL(/\/p\/t-shirt-pac-man$/);
      if (javaScriptEnabled) await hydrated(page);

      // L is sold out: marked on its choice, and chosen it cannot be added.
      await expect(page.getByRole("group", { name: "Taille" }).getByText("L — épuisé")).toBeVisible();
      await choose(page, "Taille", "L — épuisé");
      await expect(page).toHaveURL(/o1=L/);
      await expect(page.locator(".product__buy").getByText("Épuisé", { exact: true })).toBeVisible();
      await expect(page.getByRole("button", { name: "Ajouter au panier", exact: true })).toBeDisabled();

      await choose(page, "Taille", "XL");
      await expect(page).toHaveURL(/o1=XL/);
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.getByRole("radio", { name: "XL", exact: true })).toBeChecked();
      await expect(page.locator(".product__price")).toContainText("26,99");
      await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
      await expect(page.getByTestId("basket-count")).toHaveText("1");

      await page.goto("/basket");
      await expect(page.getByTestId("basket-line")).toHaveCount(1);
      await expect(page.getByTestId("basket-line")).toContainText("T-shirt Pac-Man rétro — XL");
      await expect(page.getByTestId("basket-line")).toContainText("26,99");

      // Bought: the order and its confirmation mail name the size.
      await page.goto("/register?return_to=%2Fcheckout");
      if (javaScriptEnabled) await hydrated(page);
      const username = uniqueName("tee");
      await register(page, username);
      await expect(page).toHaveURL(/\/checkout$/);
      if (javaScriptEnabled) await hydrated(page);
      await fillCheckout(page, "4242 4242 4242 4242");
      await expect(page).toHaveURL(/\/orders\/\d+\?placed=1$/);
      await expect(page.getByTestId("order-status")).toHaveText("Payée");
      await expect(page.locator("main")).toContainText("T-shirt Pac-Man rétro — XL");
      const order = page.url().match(/\/orders\/(\d+)/)?.[1];
      const mail = await readMail(browser, `${username}@example.com`, `Commande n° ${order} confirmée`);
      expect(mail.text).toContain("T-shirt Pac-Man rétro — XL");
    });

    test("a colour shows its photo, a missing combination says so", async ({ page }) => {
      await page.goto("/p/samsung-galaxy-z-flip7");
      if (javaScriptEnabled) await hydrated(page);
      // The demo's photos of each colour: open and folded.
      const photos = page.getByRole("region", { name: "Photos du produit" }).getByRole("img");
      await expect(page.getByTestId("gallery-photo").first().getByRole("img")).toHaveAttribute("alt", "Galaxy Z Flip7 noir, ouvert, de face");
      await expect(page.getByTestId("gallery-photo")).toHaveCount(2);
      await expect(photos.first()).toHaveJSProperty("complete", true);
      expect(await photos.first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

      await choose(page, "Couleur", "Bleu");
      await expect(page).toHaveURL(/o1=Bleu/);
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.getByTestId("gallery-photo").first().getByRole("img")).toHaveAttribute("alt", "Galaxy Z Flip7 bleu, ouvert, de face");
      await expect(page.getByTestId("gallery-photo").nth(1).getByRole("img")).toHaveAttribute("alt", "Galaxy Z Flip7 bleu, plié, de dos");
      await expect(page.getByAltText("Galaxy Z Flip7 noir, ouvert, de face")).toHaveCount(0);
      // A thumbnail brings its photo into view, without JavaScript too.
      await page.getByRole("link", { name: "Photo 2 sur 2" }).click();
      await expect(page.getByAltText("Galaxy Z Flip7 bleu, plié, de dos")).toBeInViewport();
      await expect(page.getByRole("group", { name: "Capacité" }).getByText("512 Go — épuisé")).toBeVisible();

      await choose(page, "Couleur", "Rouge");
      if (javaScriptEnabled) await hydrated(page);
      await expect(page.getByRole("group", { name: "Capacité" }).getByText("512 Go — indisponible")).toBeVisible();
      await choose(page, "Capacité", "512 Go — indisponible");
      await expect(page.getByTestId("missing-variant")).toContainText("Cette combinaison n'existe pas");
      await expect(page.getByRole("button", { name: "Ajouter au panier", exact: true })).toHaveCount(0);
    });

    if (javaScriptEnabled) {
      test("a choice updates the page in place: no reload, same place, same focus", async ({ page }) => {
        await page.setViewportSize({ width: 900, height: 500 });
        await page.goto("/p/playstation-5");
        await hydrated(page);
        await expect(page.locator(".product__price")).toContainText("499,99");
        // Marks this document: a full page load would forget it.
        await page.evaluate(() => { (window as unknown as { stayed: boolean }).stayed = true; });
        await page.evaluate(() => window.scrollTo(0, 150));
        const before = await page.evaluate(() => window.scrollY);
        expect(before).toBeGreaterThan(0);

        await page.getByRole("radio", { name: "Digital" }).focus();
        await page.keyboard.press("Space");
        await expect(page).toHaveURL(/o1=Digital/);
        await expect(page.locator(".product__price")).toContainText("449,99");
        await expect(page.getByTestId("gallery-photo").first().getByRole("img")).toHaveAttribute("alt", /Digital/);
        expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
        await expect(page.getByRole("radio", { name: "Digital" })).toBeFocused();
        expect(await page.evaluate(() => window.scrollY)).toBe(before);
        await hydrated(page);
        await page.getByRole("button", { name: "Ajouter au panier", exact: true }).click();
        await expect(page.getByTestId("basket-count")).toHaveText("1");
        await page.goBack();
        await expect(page.locator(".product__price")).toContainText("499,99");
      });
    }

    test("a category is filtered by colour and price, and the filters stay in the URL", async ({ page }) => {
      await page.goto("/c/telephonie");
      if (javaScriptEnabled) await hydrated(page);
      const filters = page.getByTestId("filters");
      await filters.getByRole("group", { name: "Couleur" }).getByText("Rouge (1)").click();
      if (!javaScriptEnabled) await page.getByRole("button", { name: "Appliquer les filtres" }).click();
      await expect(page).toHaveURL(/f=Couleur%3ARouge/);
      await expect(page.locator("section.listing .card__name")).toHaveText(["Samsung Galaxy Z Flip7"]);
      await expect(page.getByRole("checkbox", { name: "Rouge (1)" })).toBeChecked();

      // Red and 512 Go is no phone: the count says so before anyone clicks.
      await expect(page.getByRole("checkbox", { name: "512 Go (0)" })).toBeDisabled();

      await page.getByLabel("Prix maximum (€)").fill("1000");
      await page.getByRole("button", { name: "Appliquer les filtres" }).click();
      await expect(page).toHaveURL(/max=1000/);
      await expect(page.getByTestId("no-match")).toBeVisible();
      await page.getByRole("link", { name: "Effacer les filtres" }).click();
      await expect(page).toHaveURL(/\/c\/telephonie$/);
      await expect(page.locator("section.listing .card__name").filter({ hasText: "Fairphone 6" })).toHaveCount(1);
    });
  });
}
