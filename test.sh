#!/usr/bin/env bash
# Runs every test project against a throwaway PostgreSQL cluster and a real headless Chromium.
# Installs what is missing (PostgreSQL server, Chromium, a CJK font). Prints "N passed, N failed" last.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/postgres.sh

pg_find_binaries
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
# The browser tests measure pages in Chinese and Japanese: without a CJK font, text falls back to boxes.
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  apt_install fonts-noto-cjk
fi

PG_DIR="$(mktemp -d /tmp/esim-test-pg.XXXXXX)"
PG_PORT="$(free_port "${ESIM_TEST_PG_PORT:-55433}")"
cleanup() { pg_stop "$PG_DIR"; rm -rf "$PG_DIR"; }
trap cleanup EXIT
pg_start "$PG_DIR" "$PG_PORT" throwaway

# Each test fixture creates its own database on this server.
export ESIM_TEST_DB="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=200"
export ESIM_CHROMIUM="/usr/bin/chromium"

# Local tools from dotnet-tools.json: the email tests start smtp4dev through `dotnet tool run`.
if ! restore_log=$(dotnet tool restore 2>&1); then echo "$restore_log" >&2; exit 1; fi

RESULTS="$(pwd)/TestResults/run-$(date +%s)"
mkdir -p "$RESULTS"
dotnet build EsimRenewal.sln -c Release -nologo -v quiet -clp:ErrorsOnly
status=0
# One summary line per test assembly ("Passed!  - Failed: 0, Passed: 210, ..."); their sum is the total.
dotnet test EsimRenewal.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS" "$@" 2>&1 | tee "$RESULTS/console.log" || status=$?

passed=0
failed=0
while read -r p f; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(sed -nE 's/.*(Passed|Failed)! +- +Failed: +([0-9]+), +Passed: +([0-9]+),.*/\3 \2/p' "$RESULTS/console.log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
