#!/usr/bin/env bash
# Soak: the resilience tests — crashes at the five crash points, two portal processes, webhook storms on
# two instances, the database outage under load, the network partition, every job on two instances — run
# round after round, each round on a fresh PostgreSQL cluster through ./test.sh, to find what fails one
# time in many (a timing assumption, a race, a leak). Takes minutes, so it is not part of ./test.sh.
# Writes a Markdown report to stdout and to docs/soak/latest.md.
#
#   tests/soak/run.sh [rounds, default 5]
set -euo pipefail
cd "$(dirname "$0")/../.."

ROUNDS="${1:-5}"
FILTER="FullyQualifiedName~IntegrationTests.Resilience|FullyQualifiedName~IntegrationTests.Hosting.DatabaseOutageTests|FullyQualifiedName~NetworkPartitionTests"
REPORT="docs/soak/latest.md"
LOGS="$(mktemp -d /tmp/esim-soak.XXXXXX)"

rows=""
total_passed=0
total_failed=0
failures=""
started=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  round_start=$(date +%s)
  ./test.sh --filter "$FILTER" >"$LOGS/round-$round.log" 2>&1 || true
  summary="$(tail -n 1 "$LOGS/round-$round.log")"
  passed="$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1/p' <<<"$summary")"
  failed="$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\2/p' <<<"$summary")"
  if [ -z "$passed" ]; then passed=0; failed=1; fi
  seconds=$(( $(date +%s) - round_start ))
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  rows+="| $round | $passed | $failed | $seconds |"$'\n'
  # The names of the tests that failed in this round (xUnit prints "  Failed <name> [time]").
  while read -r name; do
    [ -n "$name" ] && failures+="- round $round: \`$name\`"$'\n'
  done < <(sed -nE 's/^ +Failed (EsimRenewal[^ ]+) \[.*/\1/p' "$LOGS/round-$round.log")
  echo "round $round/$ROUNDS: $summary (${seconds}s)" >&2
done

cpu="$(sed -nE 's/^model name\s*: (.*)/\1/p' /proc/cpuinfo | head -n 1)"
{
  echo "# Soak run"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC') · $ROUNDS rounds · $(( ($(date +%s) - started) / 60 )) min · $(nproc) cores ($cpu) · $(free -g | awk '/^Mem:/ {print $2}') GB RAM · $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo
  echo "Tests: \`$FILTER\` (see tests/soak/run.sh), each round through ./test.sh on a fresh PostgreSQL cluster."
  echo
  echo "| Round | Passed | Failed | Seconds |"
  echo "|---:|---:|---:|---:|"
  printf '%s' "$rows"
  echo
  echo "**$total_passed passed, $total_failed failed** in all."
  if [ -n "$failures" ]; then
    echo
    echo "Failures:"
    echo
    printf '%s' "$failures"
  fi
} | tee "$REPORT"
if [ "$total_failed" -eq 0 ]; then rm -rf "$LOGS"; else echo "Logs of every round: $LOGS" >&2; fi
[ "$total_failed" -eq 0 ]
