import { test as base, expect, Page } from "@playwright/test";

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
