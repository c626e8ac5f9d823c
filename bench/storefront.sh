#!/usr/bin/env bash
# Storefront throughput, as ratios against a baseline measured in the same run.
#
# Starts a durable PostgreSQL cluster and the portal (Release, demo data, no background workers,
# warnings-only logging), then runs wrk against /healthz (the baseline: one database round trip and
# nothing else) and the storefront pages. Prints requests/s, p99 latency and the ratio to the
# baseline, so results compare across machines. Not run by CI.
#
#   bench/storefront.sh [seconds per URL, default 10] [connections, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

DURATION="${1:-10}"
CONNECTIONS="${2:-32}"
pg_find_binaries
command -v wrk >/dev/null 2>&1 || apt_install wrk

PG_DIR="$(mktemp -d /tmp/esim-bench-pg.XXXXXX)"
PG_PORT="$(free_port 55500)"
APP_PORT="$(free_port 5180)"
portal=""
cleanup() {
  [ -n "$portal" ] && kill "$portal" 2>/dev/null || true
  wait 2>/dev/null || true
  pg_stop "$PG_DIR"
  rm -rf "$PG_DIR"
}
trap cleanup EXIT
pg_start "$PG_DIR" "$PG_PORT"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE esim" >/dev/null

dotnet build src/EsimRenewal.Web -c Release -nologo -v quiet -clp:ErrorsOnly
ASPNETCORE_ENVIRONMENT=Staging \
ConnectionStrings__Esim="Host=127.0.0.1;Port=$PG_PORT;Database=esim;Username=postgres;Maximum Pool Size=100" \
Database__MigrateOnStartup=true Seed__DemoData=true Workers__Enabled=false \
Stripe__SecretKey=sk_test_bench_only Stripe__WebhookSecret=whsec_bench_only Stripe__ApiBase=http://127.0.0.1:9 \
Vouchers__CodeHashKey="$(head -c 32 /dev/urandom | base64)" \
Email__Host=127.0.0.1 Email__Port=9 Email__Security=None Email__FromAddress=bench@example.com \
Serilog__MinimumLevel__Default=Warning \
  dotnet run --project src/EsimRenewal.Web -c Release --no-build --no-launch-profile -- --urls "http://127.0.0.1:$APP_PORT" >/dev/null 2>&1 &
portal=$!
for _ in $(seq 1 120); do
  reply=$( { exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT" && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && head -n 1 <&3; } 2>/dev/null ) || true
  [[ "$reply" == *" 200 "* ]] && break
  sleep 0.5
done

run() { # prints "requests/s p99" for one URL
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "Accept-Language: zh-CN" "http://127.0.0.1:$APP_PORT$1")
  printf '%s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$APP_PORT/" >/dev/null # warm-up
read -r base base_p99 < <(run /healthz)
printf '%-32s %12s %10s %8s\n' "url" "requests/s" "p99" "ratio"
printf '%-32s %12s %10s %8s\n' "/healthz (baseline)" "$base" "$base_p99" "1.00"
for url in "/" "/?duration=week&kind=esim" "/plans/jp-7d-10gb" "/account/login"; do
  read -r rps p99 < <(run "$url")
  printf '%-32s %12s %10s %8.2f\n' "$url" "$rps" "$p99" "$(awk -v a="$rps" -v b="$base" 'BEGIN { print a / b }')"
done
