#!/usr/bin/env bash
# Builds and runs the release-mode JSON benchmark (Admission parser/writer vs Foundation).
# Usage: scripts/json-bench.sh [FILE.json...]   (default: the shared reference reviews)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-bench
swiftc -O -wmo -parse-as-library -module-name JSONBench -I Sources/CJSONScan \
    Sources/Admission/JSON/*.swift scripts/json-bench.swift -o .build-bench/json-bench
if [ $# -eq 0 ]; then
    set -- ../shared/bench/ksvc-review-3.6k.json ../shared/bench/ksvc-review-1m.json
fi
exec .build-bench/json-bench "$@"
