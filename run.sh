#!/usr/bin/env bash
# Brings up the whole product on its embedded default: a local PostgreSQL cluster under .data/,
# the Stripe emulator on 127.0.0.1:12111, a local mail inbox (smtp4dev: SMTP on 127.0.0.1:2525, web
# on http://127.0.0.1:5090) and the portal on http://127.0.0.1:5080, with migrations applied and demo
# data seeded. ESIM_INSTANCES=2 adds a second portal instance on http://127.0.0.1:5081 (same database,
# same emulator and inbox). Ctrl-C or SIGTERM stops everything it started, PostgreSQL included.
# Running it again reuses the data (and the mail); running it while it runs says so and changes nothing.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/postgres.sh

PG_PORT="${ESIM_PG_PORT:-55432}"
PORTAL_URL="http://127.0.0.1:5080"
SECOND_PORTAL_URL="http://127.0.0.1:5081"
EMULATOR_URL="http://127.0.0.1:12111"
MAIL_URL="http://127.0.0.1:5090"
SMTP_PORT=2525 # appsettings.Development.json sends there
INSTANCES="${ESIM_INSTANCES:-1}"
if [[ "$INSTANCES" != 1 && "$INSTANCES" != 2 ]]; then
  echo "ESIM_INSTANCES must be 1 or 2 (got '$INSTANCES')." >&2
  exit 2
fi

# True when GET $3 (default /healthz) answers 200 (plain bash: no curl needed on a fresh machine).
healthy() {
  local reply
  reply=$( { exec 3<>"/dev/tcp/$1/$2" && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "${3:-/healthz}" "$1" >&3 && head -n 1 <&3; } 2>/dev/null ) || return 1
  [[ "$reply" == *" 200 "* ]]
}

# True when something listens on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# One run at a time: .data/run.pid names the running ./run.sh. Checked before anything is started or
# a trap is set, so a second run never stops (or trips over) what the first one started.
mkdir -p .data
PID_FILE=.data/run.pid
if [ -s "$PID_FILE" ]; then
  running_pid="$(cat "$PID_FILE")"
  if kill -0 "$running_pid" 2>/dev/null && ps -p "$running_pid" -o args= 2>/dev/null | grep -q 'run\.sh'; then
    echo "EsimRenewal is already running (./run.sh, pid $running_pid): $PORTAL_URL" >&2
    echo "Stop it with Ctrl-C in its terminal, or: kill $running_pid" >&2
    exit 1
  fi
fi
ports=(5080 12111 "$SMTP_PORT" 5090)
if [ "$INSTANCES" = 2 ]; then ports+=(5081); fi
busy=()
for port in "${ports[@]}"; do
  if listening "$port"; then busy+=("$port"); fi
done
if [ "${#busy[@]}" -gt 0 ]; then
  echo "Cannot start: port(s) ${busy[*]} on 127.0.0.1 are in use by another program (not a ./run.sh of this folder)." >&2
  echo "Stop it, or see which one it is with: ss -ltnp" >&2
  exit 1
fi
echo $$ >"$PID_FILE"

pg_find_binaries
PG_DIR="$(pg_usable_dir "$(pwd)/.data")/pg"
pids=()

# start_bg COMMAND...: runs it in the background in a process group of its own (job control on just
# for this), so stopping the group stops every process it started too (dotnet run and dotnet tool run
# start the app as a child); stdin from /dev/null, so a background .NET app never touches the terminal.
start_bg() {
  set -m
  "$@" </dev/null &
  last_pid=$!
  set +m
  pids+=("$last_pid")
}
stop_group() { kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null || true; }

cleanup() {
  local status=$?
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  local pid
  for pid in "${pids[@]}"; do stop_group "$pid"; done
  # Up to 15 s for a graceful stop, then the rest is killed.
  for _ in $(seq 1 30); do
    local alive=0
    for pid in "${pids[@]}"; do if kill -0 -- "-$pid" 2>/dev/null; then alive=1; fi; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$PG_DIR"
  rm -f "$PID_FILE"
  echo "Stopped."
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_start "$PG_DIR" "$PG_PORT"
if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='esim'" | grep -q 1; then
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE esim" >/dev/null
fi

echo "Building..."
# Local tools (dotnet-ef, smtp4dev) from dotnet-tools.json; quiet unless it fails.
if ! restore_log=$(dotnet tool restore 2>&1); then echo "$restore_log" >&2; exit 1; fi
# In the background and waited for, so Ctrl-C or SIGTERM during the build stops at once.
start_bg dotnet build EsimRenewal.sln -c Release -nologo -v quiet -clp:ErrorsOnly
wait "$last_pid"

export ASPNETCORE_ENVIRONMENT=Development
export ConnectionStrings__Esim="Host=127.0.0.1;Port=$PG_PORT;Database=esim;Username=postgres"
# The seeder writes a few redeemable demo voucher codes here (fixed demo seed; see docs/decisions/0009-demo-voucher-codes.md).
DEMO_VOUCHERS="$(pwd)/.data/demo-vouchers.txt"
export Seed__DemoVoucherFile="$DEMO_VOUCHERS"
DEMO_SIMS="$(pwd)/.data/demo-sims.txt"
export Seed__DemoSimFile="$DEMO_SIMS"
rm -f "$DEMO_VOUCHERS" "$DEMO_SIMS"

# Its secret key (Emulator:SecretKey in its appsettings.json) is the portal's Stripe:SecretKey in
# appsettings.Development.json; the API and the /_emulator controls accept no other.
start_bg dotnet run --project src/EsimRenewal.StripeEmulator -c Release --no-build --no-launch-profile -- \
  --urls "$EMULATOR_URL" >.data/emulator.log 2>&1

mkdir -p .data/smtp4dev
# The mail inbox: every email the portal sends lands here; nothing leaves this machine (no relay,
# IMAP and POP3 off, loopback only). Messages are kept in .data/smtp4dev/database.db.
start_bg dotnet tool run smtp4dev -- --urls="$MAIL_URL" --smtpport="$SMTP_PORT" --bindaddress=127.0.0.1 --disableipv6 \
  --imapport= --pop3port= --relaysmtpserver= --tlsmode=None --hostname=localhost --nousersettings \
  --baseappdatapath="$(pwd)/.data/smtp4dev" --db=database.db >.data/smtp4dev.log 2>&1
mail_pid=$last_pid

start_bg dotnet run --project src/EsimRenewal.Web -c Release --no-build --no-launch-profile -- --urls "$PORTAL_URL"
portal_pid=$last_pid

# wait_healthy PID PORT: until the portal on PORT answers its health check (it migrates and seeds first).
wait_healthy() {
  for _ in $(seq 1 120); do
    if healthy 127.0.0.1 "$2"; then return 0; fi
    if ! kill -0 "$1" 2>/dev/null; then echo "The portal on port $2 did not start." >&2; exit 1; fi
    sleep 0.5
  done
}
wait_healthy "$portal_pid" 5080

if [ "$INSTANCES" = 2 ]; then
  # The second instance: same database, emulator and inbox; the first has migrated and seeded already.
  # The emulator delivers webhooks to one URL, the first instance's (either instance would handle them).
  start_bg env Database__MigrateOnStartup=false Seed__DemoData=false Seed__AdminEmail= Seed__AdminPassword= \
    Seed__DemoVoucherFile= Seed__DemoSimFile= \
    dotnet run --project src/EsimRenewal.Web -c Release --no-build --no-launch-profile -- --urls "$SECOND_PORTAL_URL" \
    >.data/portal-2.log 2>&1
  second_pid=$last_pid
  wait_healthy "$second_pid" 5081
  second_line=$'\n'"  Second instance:         $SECOND_PORTAL_URL   (same database, emulator and inbox; log: .data/portal-2.log)"
fi
for _ in $(seq 1 60); do
  if healthy 127.0.0.1 5090 /api/version; then break; fi
  if ! kill -0 "$mail_pid" 2>/dev/null; then
    echo "The mail inbox (smtp4dev) did not start; see .data/smtp4dev.log (is port $SMTP_PORT or 5090 in use?)." >&2
    break
  fi
  sleep 0.5
done

cat <<INFO

  EsimRenewal is running:  $PORTAL_URL${second_line:-}
  Stripe emulator:         $EMULATOR_URL   (API and /_emulator key: sk_test_local_emulator_key_not_a_real_stripe_key)

  Mail inbox: $MAIL_URL   (every email the portal sends; nothing leaves this machine)

  Demo logins (password after the slash):
    traveller  traveller@example.com / Travel-demo-2026   (a physical SIM, PIN 1234, and an eSIM)
    staff      staff@example.com     / Staff-demo-2026
    admin      admin@example.com     / Admin-demo-2026      then the code of the DEMO authenticator key
               DEMOADMINKEYDEMOADMINKEYDEMOADMI (add it to an authenticator app, or run scripts/demo-totp.py)

  Demo SIMs for a new account or no account at all:
$(if [ -s "$DEMO_SIMS" ]; then sed 's/^/    /' "$DEMO_SIMS"; fi)

  Demo voucher codes (serial  code; redeem at $PORTAL_URL/redeem or /staff/redeem):
$(if [ -s "$DEMO_VOUCHERS" ]; then sed 's/^/    /' "$DEMO_VOUCHERS"; else echo "    (none left: all demo vouchers are redeemed)"; fi)

  Press Ctrl-C to stop everything.
INFO
# Until any of them ends (or Ctrl-C / SIGTERM): then everything else is stopped too.
wait -n "$portal_pid" ${second_pid:+"$second_pid"} || true
