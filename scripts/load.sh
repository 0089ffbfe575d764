#!/usr/bin/env bash
# Load test over loopback (not a test: a measurement). Builds examples/tasks.rs in release mode,
# starts it, warms it up, then runs wrk with scripts/load.lua (mixed preflights and actual
# requests, every response checked) for $ROUNDS rounds of $DURATION, reading the server's RSS
# from /proc/<pid>/status after the warm-up and after each round.
#
#   scripts/load.sh                        # defaults: 2 rounds x 60s, 2 threads, 64 connections
#   DURATION=120s CONNECTIONS=256 scripts/load.sh
#
# Needs wrk (Debian: apt-get install -y wrk). Exits non-zero on any error or wrong response, or
# if RSS grew by more than $RSS_SLACK_KB between the first and the last round.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-60s}"
ROUNDS="${ROUNDS:-2}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
API_PORT="${API_PORT:-15000}"
FRONTEND_PORT="${FRONTEND_PORT:-13000}"
RSS_SLACK_KB="${RSS_SLACK_KB:-2048}"

command -v wrk >/dev/null || { echo "load: wrk not found (apt-get install -y wrk)" >&2; exit 2; }

cargo build --release --example tasks
bin="${CARGO_TARGET_DIR:-target}/release/examples/tasks"

API_PORT="$API_PORT" FRONTEND_PORT="$FRONTEND_PORT" RUST_LOG=warn "$bin" >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$API_PORT") 2>/dev/null && break
  sleep 0.1
done

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
url="http://127.0.0.1:$API_PORT"
export LOAD_FRONTEND_ORIGIN="http://localhost:$FRONTEND_PORT"

echo "load: $(nproc) cpus; wrk -t$THREADS -c$CONNECTIONS -d$DURATION x $ROUNDS rounds against $url (pid $pid)"
echo "load: rss at start: $(rss) kB"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s scripts/load.lua "$url" >/dev/null
before=$(rss)
echo "load: rss after 5s warm-up: $before kB"

status=0
first=""
for round in $(seq 1 "$ROUNDS"); do
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s scripts/load.lua "$url")
  echo "$out" | grep '^LOAD' | sed "s/^LOAD/load: round $round:/"
  now=$(rss)
  [ -z "$first" ] && first=$now
  echo "load: round $round: rss $now kB"
  wrong=$(echo "$out" | sed -n 's/.*wrong=\([0-9]*\).*/\1/p')
  socket=$(echo "$out" | sed -n 's/.*socket_errors=\([0-9]*\).*/\1/p')
  if [ "$wrong" != 0 ] || [ "$socket" != 0 ]; then
    echo "load: round $round: FAILED (wrong=$wrong socket_errors=$socket)" >&2
    status=1
  fi
done
after=$(rss)
echo "load: rss: after warm-up $before kB, after round 1 $first kB, at end $after kB"
if [ $((after - first)) -gt "$RSS_SLACK_KB" ]; then
  echo "load: FAILED: rss grew by $((after - first)) kB between round 1 and the end" >&2
  status=1
fi
[ "$status" = 0 ] && echo "load: ok"
exit "$status"
