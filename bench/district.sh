#!/usr/bin/env bash
# Load test of the tenant roll (docs/PERFORMANCE.md): a district of N tenants
# (default 100,000), `fuhua serve` on the embedded SQLite, official.a signed in,
# and wrk with 64 connections on /tenants from a second process. Prints wrk's
# figures (requests/s, latency percentiles) and the server's peak RSS (VmHWM).
#
#   bench/roll-load.sh [TENANTS] [SECONDS]
#
# Needs wrk (apt-get install wrk) and curl. Builds the release binary first.
set -euo pipefail
cd "$(dirname "$0")/.."
tenants="${1:-100000}"
seconds="${2:-30}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p fuhua >/dev/null
bin=target/release/fuhua
data="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$data"' EXIT
export FUHUA_DATA_DIR="$data"
start=$(date +%s)
"$bin" demo --tenants "$tenants" >/dev/null
echo "demo district with $tenants more tenants written in $(( $(date +%s) - start )) s"
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
