#!/usr/bin/env bash
# Runs the network hardening scripts one after another (never two load tests at once) and
# prints one closing line for the whole suite. Each script builds the server (once: the build
# is incremental), starts it on loopback, bounds its own traffic and exits non-zero when its
# property fails.
#   scripts/hardening/all.sh           full runs (about 10 minutes on 2 cores, plus ~4 for the first sanitized build)
#   scripts/hardening/all.sh --smoke   the bounded CI subset: every script in its --smoke
#                                      mode (shorter attacks, fewer cycles, no sanitizer
#                                      build), about 2.5 minutes once the release build exists
#   scripts/hardening/all.sh [--smoke] NAME...   only the named scripts
set -uo pipefail
DIR=$(cd "$(dirname "$0")" && pwd)
MODE=()
NAMES=()
for arg in "$@"; do
  case "$arg" in
    --smoke) MODE=(--smoke) ;;
    *) NAMES+=("$arg") ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(tls-audit h2-abuse slow-clients connection-storm rotation-under-load shutdown-under-load leaks)
passed=0; failed=0; failures=()
for name in "${NAMES[@]}"; do
  echo "== $name ${MODE[*]}"
  started=$SECONDS
  if "$DIR/$name.sh" "${MODE[@]}"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("$name")
  fi
  echo "== $name: $((SECONDS - started)) s"
done
[ $failed -eq 0 ] || echo "failed: ${failures[*]}"
echo "hardening: $passed passed, $failed failed"
[ $failed -eq 0 ]
