#!/usr/bin/env bash
# The release build: server and WASM (cargo-leptos, wasm-opt), then the
# site's files precompressed (brotli 11, gzip 9) for the server to send as
# they are. `make run`, `make test`, Lighthouse and the Dockerfile build so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/end2end/node_modules/.bin:$PATH"
cargo leptos build --release
LEPTOS_SITE_ROOT=target/site RUST_LOG=${RUST_LOG:-info} target/release/server precompress
