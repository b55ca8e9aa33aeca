#!/usr/bin/env bash
# The district-scale benchmarks of docs/PERFORMANCE.md, on the embedded SQLite in a
# fresh data directory, with the release binary:
#
#  1. the demo district plus N bulk tenants (default 100,000), half of them with an
#     approved waiver window and its monthly ledger (`fuhua demo --tenants N`);
#  2. the tenant roll under load: `fuhua serve`, official.a (the whole district)
#     signed in, wrk with 64 connections on /tenants from a second process, then the
#     server's peak RSS (VmHWM);
#  3. settling the last ended quarter: `fuhua settle --quarter YYYYQn`, wall time and
#     peak RSS from /usr/bin/time;
#  4. a 10,000-row XLSX roll (examples/roll_xlsx.rs): validated only (--dry-run),
#     then validated and imported in one transaction.
#
#   bench/district.sh [TENANTS] [SECONDS] [IMPORT_ROWS]
#
# Needs wrk (apt-get install wrk), curl and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
tenants="${1:-100000}"
seconds="${2:-30}"
import_rows="${3:-10000}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed (apt-get install time)" >&2; exit 1; }
cargo build --release --locked -p fuhua --bin fuhua --example roll_xlsx >/dev/null
bin=target/release/fuhua
data="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export FUHUA_DATA_DIR="$data"
measure() { /usr/bin/time -f "  wall %e s, peak RSS %M KiB" "$@"; }

echo "== 1. the district"
start=$(date +%s)
"$bin" demo --tenants "$tenants" >/dev/null
echo "demo district with $tenants more tenants written in $(( $(date +%s) - start )) s"
ls -l "$data"/*.sqlite* 2>/dev/null || true

echo "== 2. the tenant roll under load"
port=18631
FUHUA_BIND="127.0.0.1:$port" FUHUA_LOG=warn "$bin" serve >"$data/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/login" -o /dev/null 2>/dev/null && break
  sleep 0.2
done
jar="$data/cookies"
login_page="$(curl -fsS -c "$jar" -b "$jar" "http://127.0.0.1:$port/login")"
csrf="$(printf '%s' "$login_page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)"
curl -fsS -o /dev/null -c "$jar" -b "$jar" \
  -H "Origin: http://127.0.0.1:$port" \
  --data-urlencode "csrf=$csrf" --data-urlencode "username=official.a" \
  --data-urlencode "password=demo-official-a-2026" "http://127.0.0.1:$port/login"
cookie="$(awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 } /^#HttpOnly_/ { printf "%s=%s; ", $6, $7 }' "$jar")"
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port/tenants")"
[ "$status" = 200 ] || { echo "signed-in roll answered $status, not 200" >&2; cat "$data/serve.log" >&2; exit 1; }
wrk -t2 -c64 -d"${seconds}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/tenants"
wrk -t2 -c64 -d"${seconds}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port/tenants?status=active&sort=name"
grep -E 'VmHWM|VmRSS' "/proc/$server/status"
kill "$server"
wait "$server" 2>/dev/null || true
server=

echo "== 3. settling the last ended quarter"
year=$(date +%Y)
quarter=$(( ($(date +%-m) - 1) / 3 ))
if [ "$quarter" = 0 ]; then year=$((year - 1)); quarter=4; fi
measure "$bin" settle --quarter "${year}Q${quarter}" 2>&1 | grep -v '^\s*$' | tail -n 4

echo "== 4. importing a $import_rows-row XLSX"
roll="$data/roll.xlsx"
target/release/examples/roll_xlsx "$roll" "$import_rows"
ls -l "$roll"
carrier=1
echo "validate only (--dry-run):"
measure "$bin" import tenants --carrier "$carrier" --dry-run --format json "$roll" | head -c 300
echo
echo "validate and import:"
measure "$bin" import tenants --carrier "$carrier" --format json "$roll" | head -c 300
echo
