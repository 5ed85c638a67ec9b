#!/usr/bin/env bash
# `make lighthouse`: Lighthouse 12 (npm, mobile preset) in Debian's Chromium
# on the home page, a product page and a product with a photo gallery, beside a bare static HTML page served in
# the same run: on a slow machine Lighthouse's simulated throttling caps even
# that page, so the shop's scores read against it. Reports; asserts nothing.
# Without an address it builds the release, starts it on a throwaway
# PostgreSQL with the demo catalogue, and stops both at the end.
#   scripts/lighthouse.sh [BASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
workdir=$(mktemp -d /tmp/wondermarket-lighthouse.XXXXXX)
chmod 755 "$workdir"
static_pid="" shop_pid="" cluster=""
cleanup() {
  [ -n "$static_pid" ] && kill "$static_pid" 2>/dev/null
  [ -n "$shop_pid" ] && kill "$shop_pid" 2>/dev/null && wait "$shop_pid" 2>/dev/null
  [ -n "$cluster" ] && scripts/pg-cluster.sh stop "$cluster"
  rm -rf "$workdir"
}
trap cleanup EXIT
base=${1:-}
if [ -z "$base" ]; then
  scripts/build-release.sh
  cluster="$workdir/pg"
  url=$(scripts/pg-cluster.sh start "$cluster")
  db=$(DATABASE_URL=$url scripts/create-database.sh wondermarket_lighthouse)
  shop_port=$((20000 + RANDOM % 20000))
  DATABASE_URL=$db LEPTOS_SITE_ADDR="127.0.0.1:$shop_port" LEPTOS_SITE_ROOT=target/site \
    WONDERMARKET_SEED_DEMO=true RUST_LOG=warn target/release/server >"$workdir/server.log" 2>&1 &
  shop_pid=$!
  base="http://127.0.0.1:$shop_port"
  for _ in $(seq 1 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.2; done
fi
cat > "$workdir/index.html" <<'HTML'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="A bare static page, the ceiling of this machine."><title>Bare page</title></head>
<body><main><h1>Bare page</h1><p>Nothing but text.</p></main></body></html>
HTML
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$workdir" >/dev/null 2>&1 &
static_pid=$!
sleep 1
export CHROME_PATH=/usr/bin/chromium
for url in "http://127.0.0.1:$port/" "$base/" "$base/p/playstation-5-slim" "$base/p/samsung-galaxy-z-flip7"; do
  out="$workdir/report.json"
  npx --yes lighthouse@12 "$url" --quiet --output=json --output-path="$out" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox" >/dev/null 2>&1 || { echo "$url: lighthouse failed"; continue; }
  node -e '
    const r = require(process.argv[1]);
    const c = r.categories, a = r.audits;
    const s = (k) => Math.round(c[k].score * 100);
    console.log(`${process.argv[2]}: performance ${s("performance")}, accessibility ${s("accessibility")}, best practices ${s("best-practices")}, SEO ${s("seo")}; LCP ${a["largest-contentful-paint"].displayValue}, TBT ${a["total-blocking-time"].displayValue}`);
  ' "$out" "$url"
done
