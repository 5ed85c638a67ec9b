#!/usr/bin/env bash
# Fuzzes the public API with schemathesis (PyPI), from the OpenAPI document
# the server serves, once with a customer's token and once with an
# administrator's: no answer may be a 5xx, and every answer must conform
# to the document (status, content type, headers, schema).
#   scripts/api-fuzz.sh http://127.0.0.1:3056
# Needs the administrator E2E_ADMIN_USERNAME / E2E_ADMIN_PASSWORD (as
# scripts/test.sh makes), and signs a customer up itself.
#
# Left out: the check that every schema-valid request is accepted
# (positive_data_acceptance). The document states types and ranges, not
# the shop's state: a well-formed slug of no category, an order that
# cannot move to "shipped", are refused by rule, as they should be. And
# DELETE /api/v1/auth/token, which would revoke the very token the run
# uses (its own tests are in server/tests/http/api.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?the base URL of the shop}
schemathesis=target/tools/schemathesis/bin/schemathesis

token_of() {
  curl -fsS -X POST "$base/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg login "$1" --arg password "$2" '{login: $login, password: $password}')" | jq -r .token
}

customer=api-fuzz-$$
password="fuzz-$$-$RANDOM-password"
curl -fsS -o /dev/null -X POST "$base/api/auth/register" -H "Origin: $base" \
  --data-urlencode "username=$customer" --data-urlencode "email=$customer@example.com" \
  --data-urlencode "password=$password" --data-urlencode "password_confirmation=$password" \
  --data-urlencode "first_name=Ada" --data-urlencode "last_name=Fuzz"

# Both tokens first: the run's wrong passwords at POST /api/v1/auth/token
# soon throttle logins from this address, as they should.
customer_token=$(token_of "$customer" "$password")
admin_token=$(token_of "${E2E_ADMIN_USERNAME:?}" "${E2E_ADMIN_PASSWORD:?}")

status=0
for who in customer admin; do
  if [ "$who" = customer ]; then token=$customer_token; else token=$admin_token; fi
  echo "--- schemathesis with the $who's token ---"
  "$schemathesis" run "$base/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --exclude-operation-id revoke_token \
    --max-examples "${API_FUZZ_EXAMPLES:-40}" --seed "${API_FUZZ_SEED:-20261207}" \
    --no-color || status=1
done
exit $status
