#!/usr/bin/env bash
# Runs the README's API walk-through (the block between the
# `<!-- api-walkthrough -->` markers) against a running shop, as a
# customer it signs up, and checks that it ends on a paid order.
#   scripts/api-walkthrough.sh http://127.0.0.1:3056
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?the base URL of the shop}

# Between the markers, without the code fence's own lines (\140: a backquote).
block=$(awk '/<!-- api-walkthrough -->/ {on = 1; next} /<!-- \/api-walkthrough -->/ {on = 0} on && !/^\140\140\140/' README.md)
[ -n "$block" ] || { echo "no walk-through in README.md"; exit 1; }

login="walkthrough-$$@example.com"
password="walk-$$-$RANDOM-password"
curl -fsS -o /dev/null -X POST "$base/api/auth/register" -H "Origin: $base" \
  --data-urlencode "username=walkthrough-$$" --data-urlencode "email=$login" \
  --data-urlencode "password=$password" --data-urlencode "password_confirmation=$password" \
  --data-urlencode "first_name=Ada" --data-urlencode "last_name=Lovelace"

echo "--- the README's walk-through ---"
output=$(BASE=$base LOGIN=$login PASSWORD=$password bash -euo pipefail -c "$block")
echo "$output"
status=$(printf '%s\n' "$output" | tr -d '\n' | sed -e 's/.*"status": *"\([a-z_]*\)".*/\1/')
if [ "$status" != paid ]; then
  echo "the walk-through did not end on a paid order (status: $status)"
  exit 1
fi
echo "the walk-through ended on a paid order"
