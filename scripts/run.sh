#!/usr/bin/env bash
# `make run`: builds the release shop and serves it. Without DATABASE_URL the
# server starts its own PostgreSQL in $WONDERMARKET_DATA_DIR (default ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
echo "==> building the release shop (first build: about 10 minutes)"
scripts/build-release.sh
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
exec target/release/server "$@"
