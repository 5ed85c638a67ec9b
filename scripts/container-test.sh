#!/usr/bin/env bash
# The container, built and run: builds the image from the Dockerfile (its
# runtime stages, on a Debian root made by debootstrap, with the release
# build in target/), runs it beside the PostgreSQL of DATABASE_URL (a
# unix-socket cluster, mounted into the container), then checks /health, a
# catalogue page and a checkout through it, and that SIGTERM stops it
# cleanly. Starts its own Docker engine and leaves nothing behind.
#   DATABASE_URL=postgres://…?host=/dir scripts/container-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
: "${DATABASE_URL:?set DATABASE_URL to the test cluster}"
socket_dir=${DATABASE_URL##*host=}
socket_dir=${socket_dir%%&*}
[ -d "$socket_dir" ] || { echo "DATABASE_URL must name a unix-socket directory (host=…)"; exit 1; }

work=$(mktemp -d /tmp/wondermarket-container.XXXXXX)
dockerd_pid=""
container=""
docker_() { docker -H "unix://$work/docker.sock" "$@"; }
cleanup() {
  if [ -n "$container" ]; then docker_ rm -f "$container" >/dev/null 2>&1 || true; fi
  if [ -n "$dockerd_pid" ]; then kill "$dockerd_pid" 2>/dev/null || true; wait "$dockerd_pid" 2>/dev/null || true; fi
  # The engine leaves its network namespace mounted under the work folder.
  awk -v dir="$work" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Debian's engine and client (the client does BuildKit builds), and debootstrap.
export PATH="/usr/sbin:/usr/bin:$PATH"
docker_engine=/usr/sbin/dockerd
if [ ! -x "$docker_engine" ] || ! command -v debootstrap >/dev/null; then
  echo "==> installing docker.io and debootstrap (Debian packages)"
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi

echo "==> starting a private Docker engine"
setsid "$docker_engine" --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
  -H "unix://$work/docker.sock" --bridge=none --iptables=false >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 60); do docker_ info >/dev/null 2>&1 && break; sleep 0.5; done
docker_ info >/dev/null 2>&1 || { cat "$work/dockerd.log"; exit 1; }

# A bookworm root from the Debian mirror, kept between runs of one machine.
base_tar=${XDG_CACHE_HOME:-$HOME/.cache}/wondermarket/debian-bookworm-minbase.tar
if [ ! -s "$base_tar" ]; then
  echo "==> making a Debian bookworm root with debootstrap (about 90 s, once per machine)"
  mkdir -p "$(dirname "$base_tar")"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
  rm -rf "$work/rootfs"
fi
docker_ import - localhost/debian:bookworm-slim <"$base_tar" >/dev/null

echo "==> building the image from the Dockerfile (runtime stages, the tested release build)"
mkdir -p "$work/context"
cp target/release/server "$work/context/server"
cp -r target/site "$work/context/site"
DOCKER_BUILDKIT=1 docker_ build --network host --build-arg RUNTIME_IMAGE=localhost/debian:bookworm-slim \
  --target prebuilt -t wondermarket:test -f "$root/Dockerfile" "$work/context" >"$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log"; exit 1; }

database=$(DATABASE_URL=$DATABASE_URL scripts/create-database.sh "wondermarket_container_$$")
database_name=${database%%\?*}
database_name=${database_name##*/}
# The container's user (not the cluster's) reaches the socket by its path.
chmod o+x "$socket_dir"
port=${CONTAINER_TEST_PORT:-3077}
base="http://127.0.0.1:$port"
echo "==> running it beside PostgreSQL on $base"
container=$(docker_ run -d --init --network host -v "$socket_dir:/pgsock" \
  -e DATABASE_URL="postgres://postgres@localhost/$database_name?host=/pgsock" \
  -e LEPTOS_SITE_ADDR="127.0.0.1:$port" -e WONDERMARKET_SEED_DEMO=true \
  -e WONDERMARKET_SECURE_COOKIES=false -e WONDERMARKET_LOG_FORMAT=json \
  wondermarket:test)
for _ in $(seq 1 100); do curl -fsS "$base/health" >/dev/null 2>&1 && break; sleep 0.2; done
fail() { echo "container test: $*"; docker_ logs "$container" 2>&1 | tail -20; exit 1; }
curl -fsS "$base/health" >/dev/null || fail "/health never answered"
# Pages are saved before they are searched (see the shutdown check below).
curl -fsS "$base/" >"$work/home" || fail "the home page did not answer"
grep -q "PlayStation 5 Slim" "$work/home" || fail "the home page lacks the catalogue"
curl -fsS "$base/p/playstation-5-slim" >"$work/product" || fail "the product page did not answer"
grep -q '"availability":"https://schema.org/InStock"' "$work/product" || fail "the product page lacks its JSON-LD"

jar="$work/cookies"
post() { curl -sS -o "$work/answer" -w '%{http_code}' -b "$jar" -c "$jar" -H "Origin: $base" "$base/api/$1" "${@:2}"; }
[ "$(post auth/register --data-urlencode username=container --data-urlencode email=container@example.com \
  --data-urlencode 'password=correct horse battery' --data-urlencode 'password_confirmation=correct horse battery' \
  --data-urlencode first_name=Ada --data-urlencode last_name=Lovelace)" = 200 ] || fail "sign-up: $(cat "$work/answer")"
product=$(psql -qtA "$database" -c "SELECT id FROM products WHERE slug = 'playstation-5-slim'")
[ "$(post basket/add -d "product_id=$product" -d quantity=1)" = 200 ] || fail "add to basket: $(cat "$work/answer")"
[ "$(post payment/checkout --data-urlencode 'ship_name=Ada Lovelace' --data-urlencode 'ship_street=12 rue de la Paix' \
  -d ship_postcode=75002 -d ship_city=Paris -d ship_country=France --data-urlencode 'card_number=4242 4242 4242 4242' \
  --data-urlencode card_expiry=12/30 -d card_cvc=123 -d idempotency_key=container-checkout-1 -d delivery_method=2)" = 200 ] \
  || fail "checkout: $(cat "$work/answer")"
grep -q '"status":"paid"' "$work/answer" || fail "the order is not paid: $(cat "$work/answer")"
[ "$(psql -qtA "$database" -c "SELECT count(*) FROM orders WHERE status = 'paid'")" = 1 ] || fail "no paid order in the database"

echo "==> stopping it with SIGTERM"
docker_ stop -t 20 "$container" >/dev/null
code=$(docker_ inspect -f '{{.State.ExitCode}}' "$container")
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
# Read whole before searching: `grep -q` stops at the first match, and
# under pipefail the writer's broken pipe would fail the pipeline.
docker_ logs "$container" >"$work/logs" 2>&1
grep -q "shutting down" "$work/logs" || fail "no clean shutdown in the logs"
echo "container: built, served /health, the catalogue and a paid checkout, stopped cleanly on SIGTERM"
