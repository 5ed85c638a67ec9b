#!/usr/bin/env bash
# Creates a fresh database NAME on the server of $DATABASE_URL (dropping an
# old one of that name) and prints its URL.
set -euo pipefail
name=${1:?database name}
base=${DATABASE_URL:?DATABASE_URL}
psql "$base" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\"" >/dev/null
# Swap the database name in the URL (the part after the host, before '?').
python3 - "$base" "$name" <<'PY'
import sys, urllib.parse as u
url, name = sys.argv[1], sys.argv[2]
parts = u.urlsplit(url)
print(u.urlunsplit(parts._replace(path="/" + name)))
PY
