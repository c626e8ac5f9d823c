#!/usr/bin/env bash
# Regenerates the README screenshots, docs/screenshots/<page>-{phone,desktop}.png: storefront, plan,
# renewal, order (receipt), redeem, staff-redeem and admin-dashboard, in Simplified Chinese at 375x812
# and 1280x900. Uses the portal on http://127.0.0.1:5080 if it is answering (./run.sh in another
# terminal); otherwise starts ./run.sh itself and stops it at the end. Drives the system Chromium
# (/usr/bin/chromium, or ESIM_CHROMIUM) with the Node and playwright-core that the browser tests'
# Microsoft.Playwright package ships: nothing is downloaded. If no paid order exists yet, it pays a
# 30-day renewal of the demo SIM through the Stripe emulator (so the demo SIM gets 30 more days).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/postgres.sh

PORTAL_URL="http://127.0.0.1:5080"
OUT="$(pwd)/docs/screenshots"
CHROMIUM="${ESIM_CHROMIUM:-/usr/bin/chromium}"
PLAYWRIGHT_DIR="tests/EsimRenewal.BrowserTests/bin/Release/net10.0/.playwright"

# True when GET $3 (default /healthz) answers 200 (as in run.sh).
healthy() {
  local reply
  reply=$( { exec 3<>"/dev/tcp/$1/$2" && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "${3:-/healthz}" "$1" >&3 && head -n 1 <&3; } 2>/dev/null ) || return 1
  [[ "$reply" == *" 200 "* ]]
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${ESIM_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium fonts-noto-cjk
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "No Chromium at $CHROMIUM (install it with: apt-get install -y chromium fonts-noto-cjk)." >&2
  exit 1
fi
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh-cn family)" ]; then
  # Without a CJK font headless Chromium draws every Chinese character as an empty box.
  apt_install fonts-noto-cjk || { echo "No Chinese font: apt-get install -y fonts-noto-cjk" >&2; exit 1; }
fi

echo "Building the browser tests (for the Playwright driver they ship)..."
dotnet build tests/EsimRenewal.BrowserTests -c Release -nologo -v quiet -clp:ErrorsOnly
NODE="$PLAYWRIGHT_DIR/node/linux-x64/node"
if [ ! -x "$NODE" ] || [ ! -f "$PLAYWRIGHT_DIR/package/index.js" ]; then
  echo "The build did not produce $PLAYWRIGHT_DIR/{node/linux-x64/node,package} (Microsoft.Playwright's driver)." >&2
  exit 1
fi

run_pid=""
stop_run() {
  trap - EXIT INT TERM
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    echo "Stopping ./run.sh..."
    kill -TERM "$run_pid" 2>/dev/null || true # its own trap stops the portal, emulator, mail inbox and PostgreSQL
    for _ in $(seq 1 60); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$run_pid" 2>/dev/null; then kill -KILL -- "-$run_pid" 2>/dev/null || true; fi
    wait "$run_pid" 2>/dev/null || true
  fi
}

if healthy 127.0.0.1 5080; then
  echo "Using the portal already running on $PORTAL_URL."
else
  busy=()
  for port in 5080 12111 2525 5090 "${ESIM_PG_PORT:-55432}"; do
    if listening "$port"; then busy+=("$port"); fi
  done
  if [ "${#busy[@]}" -gt 0 ]; then
    echo "Cannot start ./run.sh: port(s) ${busy[*]} on 127.0.0.1 are in use, and no portal answers on $PORTAL_URL/healthz." >&2
    echo "Stop whatever uses them, or start ./run.sh yourself and run this script again." >&2
    exit 1
  fi
  mkdir -p .data
  echo "Starting ./run.sh (log: .data/screenshots-run.log)..."
  trap stop_run EXIT
  trap 'exit 130' INT TERM
  # Its own process group, so that a run.sh that does not stop in time can be ended with everything it started.
  setsid ./run.sh >.data/screenshots-run.log 2>&1 &
  run_pid=$!
  for _ in $(seq 1 600); do
    if healthy 127.0.0.1 5080; then break; fi
    if ! kill -0 "$run_pid" 2>/dev/null; then
      echo "./run.sh stopped before the portal answered; its output:" >&2
      tail -n 30 .data/screenshots-run.log >&2
      exit 1
    fi
    sleep 0.5
  done
  if ! healthy 127.0.0.1 5080; then echo "The portal did not answer on $PORTAL_URL/healthz within 5 minutes." >&2; exit 1; fi
fi

echo "Taking screenshots into docs/screenshots/..."
ESIM_PLAYWRIGHT="$(pwd)/$PLAYWRIGHT_DIR/package" ESIM_CHROMIUM="$CHROMIUM" ESIM_PORTAL_URL="$PORTAL_URL" \
  ESIM_SCREENSHOTS="$OUT" ESIM_DEMO_VOUCHERS="$(pwd)/.data/demo-vouchers.txt" \
  "$NODE" scripts/screenshots.js
du -ch "$OUT"/*.png | tail -n 1 | sed 's/total$/in total/'
