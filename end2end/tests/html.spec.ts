import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect, everyPersonalPage } from "./fixtures";

// The W3C Nu HTML checker (vnu-jar from npm) on the HTML the server sends.
const vnu = require.resolve("vnu-jar/build/dist/vnu.jar");

/** The Nu HTML checker's errors on the pages saved as `files`. */
function checked(files: string[]): string {
  let report = "";
  try {
    execFileSync("java", ["-jar", vnu, "--errors-only", "--format", "text", ...files], { encoding: "utf8", stdio: "pipe" });
  } catch (error: any) {
    report = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  }
  return report;
}

/** A file name for the page at `path`. */
const fileOf = (dir: string, path: string) => join(dir, `${path.replace(/[^a-z0-9]+/gi, "_") || "home"}.html`);

test("the shopper pages are valid HTML (Nu HTML checker)", async ({ request }) => {
  const dir = mkdtempSync(join(tmpdir(), "wm-html-"));
  const files: string[] = [];
  for (const path of ["/", "/c/livres", "/p/steam-deck-oled", "/p/samsung-galaxy-z-flip7?o1=Rouge&o2=512+Go", "/search?q=nintendo", "/search?q=xyzzy", "/login", "/register", "/password/forgot", "/basket", "/nothing-here", "/api/docs"]) {
    const response = await request.get(path);
    writeFileSync(fileOf(dir, path), await response.text());
    files.push(fileOf(dir, path));
  }
  expect(checked(files), "Nu HTML checker errors").toBe("");
});

test("a customer's pages and every back-office page are valid HTML", async ({ browser }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "wm-html-"));
  const files: string[] = [];
  await everyPersonalPage(browser, async (page, path) => {
    // The HTML the server sends to this reader, as a browser without JavaScript gets it.
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    writeFileSync(fileOf(dir, path), await response.text());
    files.push(fileOf(dir, path));
  });
  expect(files.length).toBeGreaterThan(14);
  expect(checked(files), "Nu HTML checker errors").toBe("");
});
