#!/usr/bin/env bash
# Instructions per review of the admission pipeline, counted by valgrind's callgrind: repeatable
# where wall-clock figures on a shared machine are not. Builds a release binary without debug
# info (valgrind 3.19 cannot read this toolchain's DWARF) in .build-perf, runs `replay --bench`
# for 1,000 and 2,000 reviews (each after the same 1,000-review warm-up) and prints the
# difference per review, so start-up cost cancels out.
#
# Usage: scripts/icount.sh [REVIEW.json] [mutate|validate]
# Needs: valgrind (Debian: valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-../shared/bench/ksvc-review-3.6k.json}
hook=${2:-mutate}
command -v valgrind >/dev/null || { echo "icount.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
if ! swift build -c release --product serverless-mesh-webhook -Xswiftc -gnone -Xcc -g0 --scratch-path .build-perf >.build-perf.log 2>&1; then
  tail -20 .build-perf.log >&2
  exit 1
fi
bin=.build-perf/release/serverless-mesh-webhook
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" replay --quiet --bench "$1" --webhook "$hook" "$file" 2>&1 \
    | awk '/Collected/ { gsub(",", "", $4); print $4 }'
}
a=$(count 1000)
b=$(count 2000)
echo "$(( (b - a) / 1000 )) instructions per review ($hook, $(basename "$file"))"
