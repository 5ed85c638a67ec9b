// The download budget (`make test`): everything a shopper's browser fetches
// to run the shop's code on the home page and a product page (scripts and
// WebAssembly, as the server sends them to a browser accepting brotli) is
// at most BUDGET bytes. Prints each part; exits 1 above the budget.
//
//   node scripts/download-budget.mjs http://127.0.0.1:3055 [/p/some-product]
import http from "node:http";
import zlib from "node:zlib";

const BUDGET = 200_000;
const [base, ...pages] = process.argv.slice(2);
if (!base) {
  console.error("usage: download-budget.mjs BASE_URL [PATH...]");
  process.exit(2);
}

/** The body exactly as sent with `Accept-Encoding: br`, and its encoding. */
function get(path) {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, base), { headers: { "Accept-Encoding": "br" } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        const encoding = response.headers["content-encoding"] || "identity";
        if (response.statusCode !== 200) reject(new Error(`${path}: HTTP ${response.statusCode}`));
        else resolve({ body, encoding });
      });
    });
    request.on("error", reject);
  });
}

function decoded({ body, encoding }) {
  return encoding === "br" ? zlib.brotliDecompressSync(body) : body;
}

const files = new Map();
let inline = 0;
for (const page of ["/", ...pages]) {
  const html = decoded(await get(page)).toString("utf8");
  for (const [, src] of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) files.set(src, null);
  // The islands loader names its module and WebAssembly in its inline script.
  const loader = html.match(/\(\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"/);
  if (loader) {
    const [, root, pkg, js, wasm] = loader;
    files.set(`${root}/${pkg}/${js}.js`, null);
    files.set(`${root}/${pkg}/${wasm}.wasm`, null);
  }
  // Inline scripts travel inside the page: counted at their share of it.
  let scripts = "";
  for (const [, text] of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) scripts += text;
  inline = Math.max(inline, zlib.brotliCompressSync(Buffer.from(scripts)).length);
}
if (![...files.keys()].some((path) => path.endsWith(".wasm"))) {
  console.error("no WebAssembly found in the page: is the islands loader there?");
  process.exit(1);
}

let total = inline;
console.log(`inline scripts (brotli): ${inline} B`);
for (const path of files.keys()) {
  const response = await get(path);
  if (response.encoding !== "br") {
    console.error(`${path} is sent as ${response.encoding}, not brotli`);
    process.exit(1);
  }
  total += response.body.length;
  console.log(`${path}: ${response.body.length} B brotli (${decoded(response).length} B)`);
}
console.log(`total: ${total} B of a ${BUDGET} B budget`);
if (total > BUDGET) {
  console.error(`over the download budget by ${total - BUDGET} B`);
  process.exit(1);
}
