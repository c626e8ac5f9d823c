#!/usr/bin/env bash
# Brings up the whole product on its embedded default: a local PostgreSQL cluster under .data/,
# the Stripe emulator on 127.0.0.1:12111, a local mail inbox (smtp4dev: SMTP on 127.0.0.1:2525, web
# on http://127.0.0.1:5090) and the portal on http://127.0.0.1:5080, with migrations applied and demo
# data seeded. Ctrl-C stops everything it started. Running it again reuses the data (and the mail).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/postgres.sh

PG_PORT="${ESIM_PG_PORT:-55432}"
PORTAL_URL="http://127.0.0.1:5080"
EMULATOR_URL="http://127.0.0.1:12111"
MAIL_URL="http://127.0.0.1:5090"
SMTP_PORT=2525 # appsettings.Development.json sends there

pg_find_binaries
PG_DIR="$(pg_usable_dir "$(pwd)/.data")/pg"
pids=()

# True when GET $3 (default /healthz) answers 200 (plain bash: no curl needed on a fresh machine).
healthy() {
  local reply
  reply=$( { exec 3<>"/dev/tcp/$1/$2" && printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "${3:-/healthz}" "$1" >&3 && head -n 1 <&3; } 2>/dev/null ) || return 1
  [[ "$reply" == *" 200 "* ]]
}

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pg_stop "$PG_DIR"
}
trap cleanup INT TERM EXIT

pg_start "$PG_DIR" "$PG_PORT"
if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='esim'" | grep -q 1; then
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE esim" >/dev/null
fi

echo "Building..."
# Local tools (dotnet-ef, smtp4dev) from dotnet-tools.json; quiet unless it fails.
if ! restore_log=$(dotnet tool restore 2>&1); then echo "$restore_log" >&2; exit 1; fi
dotnet build EsimRenewal.sln -c Release -nologo -v quiet -clp:ErrorsOnly

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
dotnet run --project src/EsimRenewal.StripeEmulator -c Release --no-build --no-launch-profile -- \
  --urls "$EMULATOR_URL" >.data/emulator.log 2>&1 &
pids+=($!)

mkdir -p .data/smtp4dev
# The mail inbox: every email the portal sends lands here; nothing leaves this machine (no relay,
# IMAP and POP3 off, loopback only). Messages are kept in .data/smtp4dev/database.db.
dotnet tool run smtp4dev -- --urls="$MAIL_URL" --smtpport="$SMTP_PORT" --bindaddress=127.0.0.1 --disableipv6 \
  --imapport= --pop3port= --relaysmtpserver= --tlsmode=None --hostname=localhost --nousersettings \
  --baseappdatapath="$(pwd)/.data/smtp4dev" --db=database.db >.data/smtp4dev.log 2>&1 &
mail_pid=$!
pids+=($mail_pid)

dotnet run --project src/EsimRenewal.Web -c Release --no-build --no-launch-profile -- --urls "$PORTAL_URL" &
pids+=($!)

for _ in $(seq 1 120); do
  if healthy 127.0.0.1 5080; then break; fi
  if ! kill -0 "${pids[-1]}" 2>/dev/null; then echo "The portal did not start." >&2; exit 1; fi
  sleep 0.5
done
for _ in $(seq 1 60); do
  if healthy 127.0.0.1 5090 /api/version; then break; fi
  if ! kill -0 "$mail_pid" 2>/dev/null; then
    echo "The mail inbox (smtp4dev) did not start; see .data/smtp4dev.log (is port $SMTP_PORT or 5090 in use?)." >&2
    break
  fi
  sleep 0.5
done

cat <<INFO

  EsimRenewal is running:  $PORTAL_URL
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
wait "${pids[-1]}"
