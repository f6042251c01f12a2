#!/bin/sh
# Stopping a tournament whose negotiations run in worker processes
# (docs/tournament.md): with no time limit and a plug-in that never
# answers, SIGINT to the process group (Ctrl-C) and SIGTERM to the parent
# alone each end the run with exit 1 and the "interrupted" line, no
# negotiation recorded as failed, and no process left. The bound is
# generous (20 s; it takes well under 2 s): no timing is asserted. (The
# signal to a group is sent by kill(1): dash's builtin cannot.)
# usage: run_stop.sh PARLEY SOURCE_DIR
set -u
parley=$1
src=$2
plugins=$(cd "$(dirname "$parley")" && pwd)
[ -e "$plugins/broken.so" ] || { echo "no broken.so next to $parley"; exit 1; }
command -v setsid >/dev/null || { echo "skipped: no setsid"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

cp "$src/examples/job-offer.yaml" "$tmp/"
cat >"$tmp/hang.yaml" <<EOC
scenarios: [job-offer.yaml]
agents: [conceder, "$plugins/broken.so:hang"]
rounds: 50
time_limit: 0
EOC

# how WHO: "group" (SIGINT to the process group) or "parent" (SIGTERM)
stop_run() {
  how=$1
  rm -f "$tmp/h.db" "$tmp/h.db-wal" "$tmp/h.db-shm"
  # a session (and process group) of its own, so that the signal reaches
  # only the run: sh writes its pid, which parley keeps by exec
  rm -f "$tmp/pid"
  setsid -w sh -c 'echo $$ >"$0"; exec "$@"' "$tmp/pid" \
    "$parley" tournament "$tmp/hang.yaml" --db "$tmp/h.db" --jobs 2 \
    --quiet >"$tmp/h.out" 2>&1 &
  waiter=$!
  n=0
  while [ ! -s "$tmp/pid" ] && [ "$n" -lt 200 ]; do
    sleep 0.1
    n=$((n + 1))
  done
  pid=$(cat "$tmp/pid")
  if [ -z "$pid" ]; then
    bad "$how: the run did not start: $(cat "$tmp/h.out")"
    return
  fi
  # wait until both workers hang (their parent is a thread of pid)
  n=0
  while [ "$n" -lt 200 ]; do
    kids=$(pgrep -P "$pid" | wc -l)
    [ "$kids" -ge 2 ] && break
    sleep 0.1
    n=$((n + 1))
  done
  if [ "$how" = group ]; then env kill -s INT -- "-$pid"; else kill -TERM "$pid"; fi
  n=0
  while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 200 ]; do
    sleep 0.1
    n=$((n + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    bad "$how: still running 20 s after the signal"
    env kill -s KILL -- "-$pid" 2>/dev/null
  fi
  wait "$waiter"
  code=$?
  if [ "$code" -eq 1 ] && grep -q "interrupted: 0 of 2 negotiations done" "$tmp/h.out"; then ok; else
    bad "$how: exit $code: $(cat "$tmp/h.out")"
  fi
  sleep 0.2
  if pgrep -g "$pid" >/dev/null; then
    bad "$how: processes left: $(pgrep -g "$pid" | tr '\n' ' ')"
    env kill -s KILL -- "-$pid" 2>/dev/null
  else
    ok
  fi
  # nothing was recorded: the stopped negotiations are run on resume
  "$parley" results "$tmp/h.db" --csv "$tmp/h.csv" >/dev/null 2>&1
  rows=$(($(wc -l <"$tmp/h.csv") - 1))
  if [ "$rows" -eq 0 ]; then ok; else bad "$how: $rows negotiations recorded"; fi
}
stop_run group
stop_run parent

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
