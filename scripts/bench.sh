#!/usr/bin/env bash
# `make bench`: the catalogue benchmark on a 100 000-product catalogue in a
# throwaway PostgreSQL (or the server of BENCH_DATABASE_URL, kept between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
workdir=$(mktemp -d /tmp/wondermarket-bench.XXXXXX)
chmod 755 "$workdir"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$BENCH_DATABASE_URL
else
  trap 'scripts/pg-cluster.sh stop "$workdir/pg"; rm -rf "$workdir"' EXIT
  base=$(scripts/pg-cluster.sh start "$workdir/pg")
  DATABASE_URL=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_bench)
  export DATABASE_URL
fi
RUST_LOG=${RUST_LOG:-warn} cargo bench -p server --bench catalogue
