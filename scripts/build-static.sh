#!/usr/bin/env bash
# Builds the release binary the container image ships: Swift runtime linked statically
# (--static-swift-stdlib), so the runtime image needs only libc, libssl3 and libnghttp2-14.
# This is the Containerfile's build stage, run on this machine (no container engine here).
#
# Usage: scripts/build-static.sh [--scratch-path DIR]
#   default scratch path: .build-static (or $SCRATCH_PATH). Prints the binary's path last.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build-static}
while [ $# -gt 0 ]; do
  case "$1" in
    --scratch-path) scratch=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-static.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
scripts/install-deps.sh
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --static-swift-stdlib --product serverless-mesh-webhook --scratch-path "$scratch" >&2
bin=$(swift build -c release --static-swift-stdlib --product serverless-mesh-webhook --scratch-path "$scratch" --show-bin-path)/serverless-mesh-webhook
[ -x "$bin" ] || { echo "build-static.sh: no binary at $bin" >&2; exit 1; }
echo "$bin"
