#!/usr/bin/env bash
# Produces every table of BENCHMARKS.md:
#
#   cors-bench/run.sh              # allocations, instructions, time, loopback e2e, compile cost
#   cors-bench/run.sh --no-compile # the same without the (slow) compile-cost run
#
# Needs valgrind and wrk (Debian: apt-get install valgrind wrk). Markdown goes to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p cors-bench --bins >&2
target=${CARGO_TARGET_DIR:-target}
"$target/release/cors-bench" all
if [ "${1:-}" != "--no-compile" ]; then
    cors-bench/compile-cost.sh 5
fi
