import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect } from "./fixtures";

// The W3C Nu HTML checker (vnu-jar from npm) on the HTML the server sends.
const vnu = require.resolve("vnu-jar/build/dist/vnu.jar");

test("the shopper pages are valid HTML (Nu HTML checker)", async ({ request }) => {
  const dir = mkdtempSync(join(tmpdir(), "wm-html-"));
  const files: string[] = [];
  for (const path of ["/", "/c/livres", "/p/steam-deck-oled", "/search?q=nintendo", "/search?q=xyzzy", "/login", "/register", "/basket", "/nothing-here"]) {
    const response = await request.get(path);
    const file = join(dir, `${path.replace(/[^a-z0-9]+/gi, "_") || "home"}.html`);
    writeFileSync(file, await response.text());
    files.push(file);
  }
  let report = "";
  try {
    execFileSync("java", ["-jar", vnu, "--errors-only", "--format", "text", ...files], { encoding: "utf8", stdio: "pipe" });
  } catch (error: any) {
    report = `${error.stdout ?? ""}${error.stderr ?? ""}`;
  }
  expect(report, "Nu HTML checker errors").toBe("");
});
