#!/usr/bin/env bash
# `make bench`: the catalogue benchmark on a 100 000-product catalogue, then
# the checkout benchmark (basket, checkout, a sell-out drop) on the demo
# catalogue, then a 10 000-row catalogue CSV (dry run and import), then
# 4 000 live pages (memory per page, a sale's fan-out), then the drop
# (5 000 logged-in visitors through the waiting room for 100 units), in a
# throwaway PostgreSQL (or on the server of
# BENCH_DATABASE_URL: its catalogue database is kept between runs, the
# checkout database wondermarket_checkout_bench is made afresh each run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
workdir=$(mktemp -d /tmp/wondermarket-bench.XXXXXX)
chmod 755 "$workdir"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  base=$BENCH_DATABASE_URL
  catalogue_url=$BENCH_DATABASE_URL
  trap 'rm -rf "$workdir"' EXIT
else
  trap 'scripts/pg-cluster.sh stop "$workdir/pg"; rm -rf "$workdir"' EXIT
  base=$(scripts/pg-cluster.sh start "$workdir/pg")
  catalogue_url=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_bench)
fi
checkout_url=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_checkout_bench)
csv_url=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_csv_bench)
live_url=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_live_bench)
drop_url=$(DATABASE_URL=$base scripts/create-database.sh wondermarket_drop_bench)
export RUST_LOG=${RUST_LOG:-warn}
DATABASE_URL=$catalogue_url cargo bench -p server --bench catalogue
DATABASE_URL=$checkout_url cargo bench -p server --bench checkout
DATABASE_URL=$csv_url cargo bench -p server --bench catalogue_csv
DATABASE_URL=$live_url cargo bench -p server --bench live
DATABASE_URL=$drop_url cargo bench -p server --bench drop
