#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, on a Unix socket in its folder.
#   scripts/pg-cluster.sh start DIR   # prints the DATABASE_URL
#   scripts/pg-cluster.sh stop DIR
# initdb and postgres refuse to run as root: as root they run as `postgres`.
set -euo pipefail

action=${1:?start or stop}
dir=${2:?folder}

pg_bin() {
  if [ -n "${WONDERMARKET_PG_BIN:-}" ]; then echo "$WONDERMARKET_PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$newest" ]; then
    echo "PostgreSQL is not installed (no initdb/pg_ctl): run 'make setup' or set DATABASE_URL." >&2
    exit 1
  fi
  echo "$newest"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bin=$(pg_bin)
case "$action" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    chmod 700 "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; exit 1; }
    # Durability off: a test cluster lives for one run.
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
      -o "-h '' -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" \
      start >/dev/null
    echo "postgres://postgres@localhost/postgres?host=$dir"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" "$dir.initdb.log"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
