#!/usr/bin/env bash
# The storefront benchmark: the portal against a Fortunes-style baseline in the same run, on the same
# machine and database, at 10,000 and at 1,000,000 orders. See bench/README.md for what each figure
# means and the targets. Not run by ./test.sh or CI.
#
#   bench/run.sh
#
# Settings (environment): BENCH_ROUNDS (5), BENCH_SECONDS per target and round (5), BENCH_WARMUP
# seconds (15), BENCH_CONNECTIONS for pages (32), BENCH_WRITE_CONNECTIONS for writes and pgbench (16),
# BENCH_ORDERS at the large size (1000000), BENCH_WEBHOOK_SESSIONS (8000), BENCH_LOG_LEVEL (Warning),
# BENCH_OUTPUT_CACHE_SETTING (Performance__OutputCache: the portal's switch, true for "on", false for
# "off"), BENCH_RESULTS (bench/results/latest.md), BENCH_KEEP=1 keeps the work folder,
# BENCH_PORTAL_REF (measure the portal of another commit or branch, e.g. perf; default: this checkout),
# BENCH_HOLD=1 keeps every process up after the report until $WORK/hold.env is deleted (profiling).
set -euo pipefail
# All of it in one function: bash reads the whole script before running it, so editing this file
# during a run cannot change the run.
main() {
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
source scripts/postgres.sh

ROUNDS="${BENCH_ROUNDS:-5}"
DURATION="${BENCH_SECONDS:-5}"
WARMUP="${BENCH_WARMUP:-15}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
WRITE_CONNECTIONS="${BENCH_WRITE_CONNECTIONS:-16}"
SMALL_ORDERS=10000
LARGE_ORDERS="${BENCH_ORDERS:-1000000}"
WEBHOOK_SESSIONS="${BENCH_WEBHOOK_SESSIONS:-8000}"
LOG_LEVEL="${BENCH_LOG_LEVEL:-Warning}"
CACHE_SETTING="${BENCH_OUTPUT_CACHE_SETTING:-Performance__OutputCache}"
RESULTS="${BENCH_RESULTS:-$ROOT/bench/results/latest.md}"
started_at=$(date +%s)

say() { printf '[bench %4ss] %s\n' "$(( $(date +%s) - started_at ))" "$*" >&2; }

pg_find_binaries
command -v wrk >/dev/null 2>&1 || apt_install wrk
command -v pgbench >/dev/null 2>&1 || [ -x "$PG_BIN/pgbench" ] || apt_install postgresql-contrib
PGBENCH="$PG_BIN/pgbench"; [ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench)"

WORK="$(mktemp -d /tmp/esim-bench.XXXXXX)"
chmod 755 "$WORK"
PG_DIR="$(pg_usable_dir "$WORK/pg")"
PG_PORT="$(free_port "${BENCH_PG_PORT:-55610}")"
PORTAL_PORT="$(free_port "${BENCH_PORT:-5280}")"
NOCACHE_PORT="$(free_port $((PORTAL_PORT + 1)))"
EMULATOR_PORT="$(free_port $((NOCACHE_PORT + 1)))"
BASELINE_PORT="$(free_port $((EMULATOR_PORT + 1)))"
PORTAL="http://127.0.0.1:$PORTAL_PORT"
NOCACHE="http://127.0.0.1:$NOCACHE_PORT"
EMULATOR="http://127.0.0.1:$EMULATOR_PORT"
BASELINE="http://127.0.0.1:$BASELINE_PORT"
PSQL=("$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d esim -v ON_ERROR_STOP=1 -qAt)

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_stop "$PG_DIR"
  if [ "${BENCH_KEEP:-}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK" "$PG_DIR"; fi
}
trap cleanup EXIT

# Secrets of this run only: nothing published in the repository.
hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
VOUCHER_KEY="$(head -c 32 /dev/urandom | base64)"
STRIPE_KEY="sk_test_bench_$(hex 12)"
WEBHOOK_SECRET="whsec_bench_$(hex 16)"
PASSWORD="Bench-$(hex 8)-2026"
TOTP_KEY="$(head -c 20 /dev/urandom | base32 | tr -d '=\n')"
ADMIN_EMAIL="admin@bench.example"
TRAVELLER_EMAIL="traveller@bench.example"
REDEEMER_EMAIL="redeemer@bench.example"

# --- Build: Release, published (no development asset manifest), outside the solution -------------
# BENCH_PORTAL_REF=<commit or branch>: the portal and emulator of that commit (read from git, built in
# the work folder), measured by this harness; default: this checkout's working tree.
SOURCE="$ROOT"
if [ -n "${BENCH_PORTAL_REF:-}" ]; then
  SOURCE="$WORK/source"
  mkdir -p "$SOURCE"
  git -C "$ROOT" archive "$BENCH_PORTAL_REF" src Directory.Build.props Directory.Packages.props global.json | tar -x -C "$SOURCE"
fi
PORTAL_COMMIT="$(git -C "$ROOT" rev-parse --short "${BENCH_PORTAL_REF:-HEAD}")$([ -z "${BENCH_PORTAL_REF:-}" ] && [ -n "$(git -C "$ROOT" status --porcelain -- src)" ] && echo ' (with uncommitted changes in src/)' || true)"
say "publishing the portal ($PORTAL_COMMIT), the Stripe emulator, the baseline and the load tool (Release)"
for project in "$SOURCE/src/EsimRenewal.Web" "$SOURCE/src/EsimRenewal.StripeEmulator" bench/Baseline bench/Load; do
  dotnet publish "$project" -c Release -o "$WORK/$(basename "$project")" -nologo -v quiet -clp:ErrorsOnly >&2
done
LOAD=(dotnet "$WORK/Load/Load.dll")

# --- PostgreSQL: a durable cluster (fsync, synchronous commit and full-page writes on) --------------
pg_start "$PG_DIR" "$PG_PORT"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "ALTER SYSTEM SET shared_buffers = '512MB'" -c "ALTER SYSTEM SET max_wal_size = '4GB'" >/dev/null
pg_stop "$PG_DIR"
pg_start "$PG_DIR" "$PG_PORT"
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE esim" >/dev/null

# --- The processes -------------------------------------------------------------------------------
portal_env() { # the portal's settings, then the command; see bench/README.md "Environment"
  exec env ASPNETCORE_ENVIRONMENT=Development DOTNET_gcServer=1 \
    ConnectionStrings__Esim="Host=127.0.0.1;Port=$PG_PORT;Database=esim;Username=postgres" \
    Database__MigrateOnStartup="${MIGRATE:-false}" Seed__DemoData=false \
    Seed__AdminEmail="$ADMIN_EMAIL" Seed__AdminPassword="$PASSWORD" Workers__Enabled=false \
    Stripe__SecretKey="$STRIPE_KEY" Stripe__WebhookSecret="$WEBHOOK_SECRET" Stripe__ApiBase="$EMULATOR" \
    Vouchers__CodeHashKey="$VOUCHER_KEY" \
    Email__Host=127.0.0.1 Email__Port=9 Email__Security=None Email__FromAddress=no-reply@bench.example \
    Operator__Name="Bench K.K." Operator__Representative="Bench" Operator__Address="Tokyo" Operator__Phone=03-0000-0000 \
    Operator__Email=support@bench.example Operator__InvoiceRegistrationNumber=T0000000000000 \
    Site__PublicBaseUrl="$PORTAL" Serilog__MinimumLevel__Default="$LOG_LEVEL" "$@"
}

wait_for() { # url [seconds]
  local i
  for i in $(seq 1 $((${2:-120} * 2))); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.5
  done
  say "$1 did not answer; see the logs in $WORK"; return 1
}

start_portal() { # name port cache(true|false)
  (cd "$WORK/EsimRenewal.Web" && portal_env "$CACHE_SETTING=$3" dotnet EsimRenewal.Web.dll --urls "http://127.0.0.1:$2" >"$WORK/$1.log" 2>&1) &
  pids+=($!)
  eval "${1//-/_}_pid=$!"
}

say "starting the Stripe emulator (webhook delivery off: the load tool sends the events)"
(cd "$WORK/EsimRenewal.StripeEmulator" && exec env Emulator__SecretKey="$STRIPE_KEY" Emulator__WebhookSecret="$WEBHOOK_SECRET" \
  Emulator__WebhookUrl="" Emulator__SessionLifetime=1.00:00:00 Logging__LogLevel__Default=Warning \
  dotnet EsimRenewal.StripeEmulator.dll --urls "$EMULATOR" >"$WORK/emulator.log" 2>&1) &
pids+=($!)

say "migrating the empty database (the portal's own EF migrations) and creating the admin account"
MIGRATE=true start_portal migrate "$PORTAL_PORT" true
wait_for "$PORTAL/healthz" 180
kill "$migrate_pid"; wait "$migrate_pid" 2>/dev/null || true

# --- Seed: 50 plans, 50,001 accounts, 200,000 SIMs, 1,000,000 vouchers, 10,000 orders ---------------
say "seeding plans, accounts, 200,000 SIMs, $WEBHOOK_SESSIONS orders awaiting payment"
"${PSQL[@]}" -v admin_email="$ADMIN_EMAIL" -v totp_key="$TOTP_KEY" -v traveller_email="$TRAVELLER_EMAIL" -v redeemer_email="$REDEEMER_EMAIL" \
  -v webhook_orders="$WEBHOOK_SESSIONS" -f bench/sql/seed.sql >/dev/null
say "seeding 1,000,000 vouchers (codes known to the load tool, hashed with this run's key; COPY)"
"${LOAD[@]}" codes --key "$VOUCHER_KEY" --from 1 --count 1000000 | "${PSQL[@]}" -c "COPY bench.codes FROM STDIN"
"${PSQL[@]}" -f bench/sql/vouchers.sql >/dev/null
say "seeding $SMALL_ORDERS orders"
"${PSQL[@]}" -v first=1 -v last="$SMALL_ORDERS" -f bench/sql/orders.sql >/dev/null
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null

say "starting the portal (output caching on), a second portal (off) and the baseline"
start_portal portal "$PORTAL_PORT" true
start_portal nocache "$NOCACHE_PORT" false
(cd "$WORK/Baseline" && exec env ConnectionStrings__Esim="Host=127.0.0.1;Port=$PG_PORT;Database=esim;Username=postgres" \
  dotnet Baseline.dll --urls "$BASELINE" >"$WORK/baseline.log" 2>&1) &
pids+=($!)
wait_for "$PORTAL/healthz"; wait_for "$NOCACHE/healthz"; wait_for "$BASELINE/"

# --- Sign-ins (real forms and cookies), the write paths' inputs --------------------------------------
"${LOAD[@]}" signin --base "$PORTAL" --email "$TRAVELLER_EMAIL" --password "$PASSWORD" --out "$WORK/traveller.cookie" >&2
"${LOAD[@]}" signin --base "$PORTAL" --email "$REDEEMER_EMAIL" --password "$PASSWORD" --out "$WORK/redeemer.cookie" >&2
"${LOAD[@]}" signin --base "$PORTAL" --email "$ADMIN_EMAIL" --password "$PASSWORD" --totp-key "$TOTP_KEY" --out "$WORK/admin.cookie" >&2
TRAVELLER_COOKIE="$(cat "$WORK/traveller.cookie")"
ADMIN_COOKIE="$(cat "$WORK/admin.cookie")"
SIMS="$("${PSQL[@]}" -c "SELECT string_agg(id::text, ',' ORDER BY iccid) FROM sims WHERE owner_id = md5('traveller')::uuid::text")"
FIRST_SIM="${SIMS%%,*}"
REDEEM_SIMS="$("${PSQL[@]}" -c "SELECT string_agg(id::text, ',' ORDER BY iccid) FROM sims WHERE owner_id = md5('redeemer')::uuid::text")"
PLAN_CODE="$("${PSQL[@]}" -c "SELECT code FROM plans WHERE is_active ORDER BY sort_order OFFSET 3 LIMIT 1")"
"${PSQL[@]}" -F $'\t' -c "SELECT id, price_yen FROM bench.webhook_orders ORDER BY sim" >"$WORK/webhook-orders.tsv"
say "preparing $WEBHOOK_SESSIONS paid checkout sessions in the emulator"
"${LOAD[@]}" sessions --emulator "$EMULATOR" --key "$STRIPE_KEY" --orders "$WORK/webhook-orders.tsv" --out "$WORK/sessions.jsonl" >&2
cat >"$WORK/pgbench.sql" <<'SQL'
\set serial random(600001, 1000000)
UPDATE vouchers SET state = 'Redeemed', redeemed_at = now() WHERE serial = :serial AND state = 'Active';
SQL

# --- Measuring ----------------------------------------------------------------------------------------
RAW="$WORK/raw.tsv" # phase target round rps p50_ms p99_ms errors
: >"$RAW"
next_serial=1        # the load tool redeems serials 1.. (pgbench updates 600001..1000000)
next_session=0
per_round_sessions=$((WEBHOOK_SESSIONS / (ROUNDS + 1)))

to_ms() { # wrk latency ("812.00us", "3.10ms", "1.02s") in ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

wrk_run() { # url cookie seconds → "rps p50 p99 errors"
  local out args=(-t2 -c"$CONNECTIONS" -d"${3}s" --timeout 10s --latency -H "Accept-Language: zh-CN")
  [ -n "$2" ] && args+=(-s "$ROOT/bench/session.lua")
  out=$(BENCH_COOKIE="$2" wrk "${args[@]}" "$1")
  local rps p50 p99 non2xx sock
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  non2xx=$(awk '/Non-2xx or 3xx/ {print $NF}' <<<"$out")
  sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  echo "$rps $p50 $p99 $(( ${non2xx:-0} + ${sock:-0} ))"
}

tool_line() { # parses "attempted=… ok=… errors=… rps=… p50=…ms p99=…ms" → "rps p50 p99 errors attempted ok"
  awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } sub(/ms$/, "", v["p50"]); sub(/ms$/, "", v["p99"]);
         print v["rps"], v["p50"], v["p99"], v["errors"], v["attempted"], v["ok"] }'
}

redeemed_ok=0; redeem_errors=0; webhooks_ok=0
measure() { # phase target seconds → appends a line to RAW (seconds 0: nothing recorded, a warm-up)
  local phase="$1" target="$2" seconds="$3" line
  case "$target" in
    baseline)     line=$(wrk_run "$BASELINE/" "" "$seconds") ;;
    home-cached)  line=$(wrk_run "$PORTAL/" "" "$seconds") ;;
    home-nocache) line=$(wrk_run "$NOCACHE/" "" "$seconds") ;;
    plan)         line=$(wrk_run "$PORTAL/plans/$PLAN_CODE" "" "$seconds") ;;
    sims)         line=$(wrk_run "$PORTAL/sims" "$TRAVELLER_COOKIE" "$seconds") ;;
    orders)       line=$(wrk_run "$PORTAL/orders" "$TRAVELLER_COOKIE" "$seconds") ;;
    renew)        line=$(wrk_run "$PORTAL/sims/$FIRST_SIM/renew" "$TRAVELLER_COOKIE" "$seconds") ;;
    admin-search) line=$(wrk_run "$PORTAL/admin/orders?q=$TRAVELLER_EMAIL" "$ADMIN_COOKIE" "$seconds") ;;
    redeem)
      line=$("${LOAD[@]}" redeem --base "$PORTAL" --cookie-file "$WORK/redeemer.cookie" --sims "$REDEEM_SIMS" --from "$next_serial" \
        --seconds "$seconds" --connections "$WRITE_CONNECTIONS" | tool_line)
      read -r _ _ _ e attempted ok <<<"$line"
      next_serial=$((next_serial + attempted)); redeemed_ok=$((redeemed_ok + ok)); redeem_errors=$((redeem_errors + e))
      line=$(cut -d' ' -f1-4 <<<"$line") ;;
    webhook)
      line=$("${LOAD[@]}" webhook --base "$PORTAL" --secret "$WEBHOOK_SECRET" --sessions "$WORK/sessions.jsonl" --from "$next_session" \
        --count "$per_round_sessions" --seconds "$seconds" --connections "$WRITE_CONNECTIONS" | tool_line)
      read -r _ _ _ _ attempted ok <<<"$line"
      next_session=$((next_session + attempted)); webhooks_ok=$((webhooks_ok + ok))
      line=$(cut -d' ' -f1-4 <<<"$line") ;;
    pgbench)
      rm -f "$WORK"/pgbench_log.*
      local out
      out=$(cd "$WORK" && "$PGBENCH" -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$WRITE_CONNECTIONS" -j 2 -T "$seconds" \
        -f "$WORK/pgbench.sql" -l --log-prefix=pgbench_log esim 2>&1)
      local tps failed lat
      tps=$(awk '/^tps = / {print $3}' <<<"$out")
      failed=$(awk '/number of failed transactions/ {print $5}' <<<"$out")
      lat=$(cat "$WORK"/pgbench_log.* | awk '{print $3 / 1000}' | sort -g | awk '{a[NR] = $1} END { i = int(NR * 0.5); if (i < 1) i = 1; j = int(NR * 0.99); if (j < 1) j = 1; printf "%.2f %.2f", a[i], a[j] }')
      line="$tps $lat ${failed:-0}" ;;
  esac
  [ "$seconds" -gt 0 ] && [ "$phase" != warmup ] && printf '%s\t%s\t%s\n' "$phase" "$target" "$line" | tr ' ' '\t' >>"$RAW"
  say "$phase $target: $line"
  last_rps="${line%% *}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
paired() { awk -F'\t' -v t="$1" '$1 == t { print $2 }' "$PAIRS" | median | awk '{printf "%.2f", $1}'; } # median ratio of a page's pairs
PAGES=(home-cached home-nocache plan sims orders renew admin-search)
PAIRS="$WORK/pairs.tsv" # target ratio: a page against the baseline measured just before it
: >"$PAIRS"
rounds() { # phase targets… (at the large size each page is paired with a baseline measured just before it)
  local phase="$1" round target base; shift
  for round in $(seq 1 "$ROUNDS"); do
    for target in "$@"; do
      if [ "$phase" = large ] && [[ " ${PAGES[*]} " == *" $target "* ]]; then
        measure "$phase" baseline "$DURATION"; base="$last_rps"
        measure "$phase" "$target" "$DURATION"
        printf '%s\t%s\n' "$target" "$(ratio "$last_rps" "$base")" >>"$PAIRS"
      else
        measure "$phase" "$target" "$DURATION"
      fi
    done
  done
}

warm_up() { # seconds for the portal's pages in turn; the writes and the others briefly
  local each=$(( ($1 + 5) / 6 )) target
  for target in home-cached plan sims orders renew admin-search; do measure warmup "$target" "$each"; done
  measure warmup home-nocache 3; measure warmup baseline 3; measure warmup redeem 3
}

GROWTH=(sims orders admin-search redeem)
ALL=(home-cached home-nocache plan sims orders renew admin-search redeem webhook pgbench)
SHOWN=(baseline "${ALL[@]}")
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

say "warming up for ${WARMUP}s (tiered JIT), then $ROUNDS rounds × ${DURATION}s at $SMALL_ORDERS orders"
warm_up "$WARMUP"
measure warmup webhook 3
rounds small "${GROWTH[@]}"

say "topping up to $LARGE_ORDERS orders"
"${PSQL[@]}" -v first=$((SMALL_ORDERS + 1)) -v last="$LARGE_ORDERS" -f bench/sql/orders.sql >/dev/null
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null
warm_up 6
say "$ROUNDS rounds × ${DURATION}s at $LARGE_ORDERS orders"
rounds large "${ALL[@]}"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- Checks: no double redemption, every delivered event fulfilled its order ---------------------------
double=$("${PSQL[@]}" -c "SELECT count(*) FROM (SELECT voucher_id FROM voucher_redemptions GROUP BY voucher_id HAVING count(*) > 1) d")
redemptions=$("${PSQL[@]}" -c "SELECT count(*) FROM voucher_redemptions")
redeemed_vouchers=$("${PSQL[@]}" -c "SELECT count(*) FROM vouchers WHERE serial < 600001 AND state = 'Redeemed'")
fulfilled=$("${PSQL[@]}" -c "SELECT count(*) FROM orders WHERE idempotency_key LIKE 'bench-webhook-%' AND state = 'Fulfilled'")
orders_total=$("${PSQL[@]}" -c "SELECT count(*) FROM orders")
rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
portal_rss=$(( $(rss_kb "$portal_pid") / 1024 ))
nocache_rss=$(( $(rss_kb "$nocache_pid") / 1024 ))

# --- Report -------------------------------------------------------------------------------------------
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
stat() { # phase target column(3 requests/s, 4 p50, 5 p99) → median
  awk -F'\t' -v p="$1" -v t="$2" -v c="$3" '$1 == p && $2 == t { print $c }' "$RAW" | median
}
errors() { awk -F'\t' -v p="$1" -v t="$2" '$1 == p && $2 == t { s += $6 } END { print s + 0 }' "$RAW"; }
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { ok = (op == ">=") ? (a >= b) : (a <= b); print ok ? "met" : "**not met**" }'; }

declare -A LABEL=(
  [baseline]="Baseline (Fortunes-style, plain Npgsql)" [home-cached]="Storefront / (output caching on)"
  [home-nocache]="Storefront / (output caching off)" [plan]="/plans/$PLAN_CODE" [sims]="/sims (signed in)"
  [orders]="/orders (signed in)" [renew]="/sims/{id}/renew (signed in)" [admin-search]="Admin order search (email)"
  [redeem]="Voucher redemption (POST /redeem, distinct codes)" [webhook]="Webhook fulfilment (signed events)"
  [pgbench]="pgbench single-row conditional UPDATE")
pgbench_tps=$(stat large pgbench 3)

report() {
  local cpu cores mem os
  cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
  cores=$(nproc)
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
  echo "# Storefront benchmark"
  echo
  echo "- Run: $(date -u '+%Y-%m-%d %H:%M UTC'), portal at commit $PORTAL_COMMIT, $(( $(date +%s) - started_at )) s in all"
  echo "- Machine: $cpu, $cores cores, $mem RAM, $os, kernel $(uname -r), .NET $(dotnet --version), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}')"
  echo "- Load average (1/5/15 min) at the start of measuring: $load_start; at the end: $load_end (other work on the machine shows here)"
  echo "- $ROUNDS interleaved rounds × ${DURATION} s per target after a ${WARMUP} s warm-up; medians. At $LARGE_ORDERS orders each page is measured right after a baseline measurement, and its ratio is the median of those pairs' ratios. Pages: wrk, 2 threads, $CONNECTIONS connections, Accept-Language zh-CN. Writes: the load tool and pgbench with $WRITE_CONNECTIONS connections."
  echo "- Data: 50 plans, 50,001 accounts, 200,000 SIMs, 1,000,000 vouchers; orders $SMALL_ORDERS, then $orders_total. Portal: Release, published, $CACHE_SETTING on/off, log level $LOG_LEVEL, background workers off."
  echo
  echo "| Target | Orders | Requests/s | p50 ms | p99 ms | Errors | × baseline |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local phase target orders
  for phase in small large; do
    orders=$([ "$phase" = small ] && echo "$SMALL_ORDERS" || echo "$LARGE_ORDERS")
    for target in "${SHOWN[@]}"; do
      awk -F'\t' -v p="$phase" -v t="$target" '$1 == p && $2 == t { f = 1 } END { exit !f }' "$RAW" || continue
      printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s |\n' "${LABEL[$target]}" "$orders" \
        "$(stat "$phase" "$target" 3)" "$(stat "$phase" "$target" 4)" "$(stat "$phase" "$target" 5)" "$(errors "$phase" "$target")" \
        "$(case "$phase:$target" in small:*|*:redeem|*:webhook|*:pgbench) echo "—" ;; *:baseline) echo "1.00" ;; *) paired "$target" ;; esac)"
    done
  done
  echo
  echo "Portal peak RSS (VmHWM, whole run): $portal_rss MB (output caching on), $nocache_rss MB (off)."
  echo "Checks: $redemptions redemptions for $redeemed_ok redirects to /sims, $redeemed_vouchers vouchers redeemed, $double vouchers redeemed twice; $fulfilled of $webhooks_ok delivered events fulfilled their order."
  echo
  echo "## Targets (ratios in this run)"
  echo
  echo "| Target | Figure | Verdict |"
  echo "|---|---|---|"
  local r
  r=$(paired home-cached); echo "| / with output caching ≥ 1.5× baseline requests/s | ${r}× | $(verdict "$r" ">=" 1.5) |"
  r=$(paired home-nocache); echo "| / without output caching ≥ 0.6× baseline | ${r}× | $(verdict "$r" ">=" 0.6) |"
  for target in sims orders renew; do
    r=$(paired "$target"); echo "| ${LABEL[$target]} ≥ 0.5× baseline | ${r}× | $(verdict "$r" ">=" 0.5) |"
    r=$(stat large "$target" 5 | awk '{printf "%.1f", $1}'); echo "| ${LABEL[$target]} p99 ≤ 50 ms at $CONNECTIONS connections | $r ms | $(verdict "$r" "<=" 50) |"
  done
  r=$(ratio "$(stat large redeem 3)" "$pgbench_tps"); echo "| Voucher redemption ≥ 0.5× pgbench UPDATE rate | ${r}× | $(verdict "$r" ">=" 0.5) |"
  r=$(ratio "$(stat large webhook 3)" "$pgbench_tps"); echo "| Webhook fulfilment ≥ 0.3× pgbench UPDATE rate | ${r}× | $(verdict "$r" ">=" 0.3) |"
  local wrong=$(( redeem_errors + $(errors large webhook) + double + (webhooks_ok - fulfilled) + (redemptions - redeemed_ok) ))
  echo "| Zero errors and zero double redemptions in the writes | $redeem_errors redemption errors, $(errors large webhook) webhook errors, $double double, $((webhooks_ok - fulfilled)) unfulfilled, $((redemptions - redeemed_ok)) unconfirmed | $( [ "$wrong" -eq 0 ] && echo met || echo '**not met**') |"
  for target in "${GROWTH[@]}"; do
    r=$(ratio "$(stat large "$target" 4)" "$(stat small "$target" 4)")
    printf '| %s: p50 at %s orders ≤ 1.3× at %s | %s× (%.1f → %.1f ms) | %s |\n' "${LABEL[$target]}" "$LARGE_ORDERS" "$SMALL_ORDERS" "$r" \
      "$(stat small "$target" 4)" "$(stat large "$target" 4)" "$(verdict "$r" "<=" 1.3)"
  done
  local peak=$(( portal_rss > nocache_rss ? portal_rss : nocache_rss ))
  echo "| Portal peak RSS ≤ 400 MB | $peak MB | $(verdict "$peak" "<=" 400) |"
}

mkdir -p "$(dirname "$RESULTS")"
report | tee "$RESULTS"
cp "$RAW" "${RESULTS%.md}.tsv"
cp "$PAIRS" "${RESULTS%.md}.pairs.tsv"
say "done: $RESULTS"
if [ "${BENCH_HOLD:-}" = 1 ]; then # keep everything up for profiling by hand
  declare -p PORTAL NOCACHE EMULATOR BASELINE PG_PORT PG_BIN WORK TRAVELLER_COOKIE ADMIN_COOKIE REDEEM_SIMS FIRST_SIM \
    PLAN_CODE WEBHOOK_SECRET next_serial next_session portal_pid >"$WORK/hold.env"
  say "holding: source $WORK/hold.env; delete it to stop"
  while [ -f "$WORK/hold.env" ]; do sleep 2; done
fi
}

main "$@"
