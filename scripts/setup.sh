#!/usr/bin/env bash
# Installs what building, running and testing WonderMarket need, from the
# package registries only (crates.io, npm, Debian). Versions are checked,
# not just presence. The first run compiles cargo-leptos: 20–35 minutes.
#   scripts/setup.sh build  # the Rust and npm tools of a release build (Dockerfile)
#   scripts/setup.sh run    # plus PostgreSQL when no DATABASE_URL is set (`make run`)
#   scripts/setup.sh test   # plus Debian's Chromium (`make test`)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
purpose=${1:-run}

say() { printf '\033[1;34m==> %s\033[0m\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then sudo_if_needed apt-get update -qq; apt_updated=yes; fi
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (first time only: this compiles for 20-35 minutes)"
  # 0.3.11 needs a newer rustc than 1.95.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # Not --locked: its lock file pins a yanked crate.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm packages of the build and the browser tests: binaryen's wasm-opt (the
# release build needs it; Debian's binaryen 108 breaks hydration) and Playwright.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "installing npm packages (wasm-opt, Playwright)"
  (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$purpose" != build ] && [ -z "${DATABASE_URL:-}" ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  say "installing PostgreSQL (Debian package; the shop starts its own private cluster)"
  apt_install postgresql
fi

if [ "$purpose" = test ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  apt_install chromium
fi

# The tests read invoices back with poppler's PDF text extractor.
if [ "$purpose" = test ] && ! command -v pdftotext >/dev/null 2>&1; then
  say "installing poppler-utils (pdftotext) for the invoice tests"
  apt_install poppler-utils
fi

# The API is fuzzed by schemathesis (PyPI), in a virtual environment of
# its own under target/; the README's curl walk-through reads JSON with jq.
SCHEMATHESIS_VERSION=4.32.5
if [ "$purpose" = test ] && [ "$(target/tools/schemathesis/bin/schemathesis --version 2>/dev/null | awk '{print $3}')" != "$SCHEMATHESIS_VERSION" ]; then
  say "installing schemathesis $SCHEMATHESIS_VERSION (PyPI) for the API tests"
  if ! python3 -m venv --help >/dev/null 2>&1; then apt_install python3-venv; fi
  rm -rf target/tools/schemathesis
  python3 -m venv target/tools/schemathesis
  target/tools/schemathesis/bin/pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
if [ "$purpose" = test ] && ! command -v jq >/dev/null 2>&1; then
  say "installing jq for the API walk-through"
  apt_install jq
fi

# The W3C Nu HTML checker (npm's vnu-jar) runs on Java.
if [ "$purpose" = test ] && ! command -v java >/dev/null 2>&1; then
  say "installing a Java runtime for the HTML checker"
  apt_install default-jre-headless
fi
