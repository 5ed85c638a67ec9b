#!/usr/bin/env bash
# sqlx's compile-time checked SQL: the query macros are checked against
# `.sqlx/`, the description of every statement as the migrated schema
# answers it (committed, so builds need no database).
#   scripts/sql-data.sh prepare   rewrite .sqlx/ from the migrations (after
#                                 changing a statement or a migration)
#   scripts/sql-data.sh check     fail when .sqlx/ is stale: a statement
#                                 without data, data without a statement, or
#                                 a column whose type the migrations changed
# Uses the PostgreSQL server of DATABASE_URL (a fresh database on it), else
# a throwaway cluster. Needs no sqlx-cli: the macros themselves write the
# data when SQLX_OFFLINE_DIR is set (that is what `cargo sqlx prepare` does).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
action=${1:?prepare or check}

workdir=$(mktemp -d /tmp/wondermarket-sql.XXXXXX)
chmod 755 "$workdir"
own_cluster=""
cleanup() {
  if [ -n "$own_cluster" ]; then scripts/pg-cluster.sh stop "$workdir/pg"; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(scripts/pg-cluster.sh start "$workdir/pg")
  own_cluster=yes
fi
db_url=$(PGOPTIONS="-c client_min_messages=warning" DATABASE_URL=$DATABASE_URL scripts/create-database.sh "wondermarket_sql_$$")
for migration in migrations/*.sql; do
  psql "$db_url" -q -v ON_ERROR_STOP=1 -f "$migration" >/dev/null
done

out="$workdir/sqlx"
mkdir -p "$out"
# Every crate with query macros, every target (tests too), expanded against
# the live schema; app/build.rs and server/build.rs make the changed
# SQLX_OFFLINE_DIR re-expand them.
DATABASE_URL=$db_url SQLX_OFFLINE=false SQLX_OFFLINE_DIR=$out \
  cargo check --quiet -p app -p server --all-targets
psql "${DATABASE_URL}" -qAt -c "DROP DATABASE IF EXISTS \"wondermarket_sql_$$\" WITH (FORCE)" >/dev/null || true

case "$action" in
  prepare)
    rm -rf .sqlx
    cp -r "$out" .sqlx
    echo "wrote $(ls .sqlx | wc -l) statement descriptions to .sqlx/"
    ;;
  check)
    if ! diff -r -q .sqlx "$out" >"$workdir/diff"; then
      echo ".sqlx/ does not match the statements and the migrations:"
      sed -e "s|$out|(fresh)|g" "$workdir/diff"
      echo "run 'scripts/sql-data.sh prepare' and commit .sqlx/"
      exit 1
    fi
    echo ".sqlx/ describes all $(ls .sqlx | wc -l) statements as the migrations define them"
    ;;
  *) echo "prepare or check" >&2; exit 2 ;;
esac
