#!/usr/bin/env bash
# Malformed-input torture: starts the real release server on loopback and sends /mutate and
# /validate a bounded battery of malformed AdmissionReviews (scripts/hardening/torture.py):
# truncated JSON, wrong types at every path the policy reads, 10,000-deep nesting, 5 MB
# strings, invalid UTF-8, 1e400, duplicate keys, envelopes without request/uid/object, huge
# arrays. Every one must be answered (400 with a JSON error, or 200 with a valid review), /livez
# must answer after every batch, and the server must be the same process at the end.
#
#   scripts/hardening/torture.sh            the full battery (about 3,000 requests, < 2 min)
#   scripts/hardening/torture.sh --smoke    a few hundred requests, < 20 s (CI)
#   scripts/hardening/torture.sh --verbose  also print every passing request
#
# SMW_BIN=/path/to/serverless-mesh-webhook skips the build and uses that binary.
# Ends with `torture: N passed, M failed`; exits 1 on any violation.
preset_bin=${SMW_BIN:-}
. "$(dirname "$0")/lib.sh"

mode=()
for arg in "$@"; do
  case "$arg" in
  --smoke | --verbose) mode+=("$arg") ;;
  *) echo "usage: $0 [--smoke] [--verbose]" >&2; exit 2 ;;
  esac
done

if [ -n "$preset_bin" ]; then SMW_BIN=$preset_bin; else smw_build release; fi
deadline=110
for arg in "${mode[@]}"; do [ "$arg" = --smoke ] && deadline=18; done

smw_start --shutdown-delay 0 --shutdown-timeout 5
pid=$SMW_PID
fds_before=$(smw_fd_count)
echo "torture: server pid $pid on port $SMW_PORT, $fds_before descriptors, RSS $(smw_rss_kib) KiB"

status=0
python3 "$ROOT/scripts/hardening/torture.py" --port "$SMW_PORT" --cacert "$WORK/certs/ca.crt" --root "$ROOT" \
  --deadline "$deadline" "${mode[@]}" | tee "$WORK/torture.out" || status=$?
summary=$(grep -E '^torture: [0-9]+ passed, [0-9]+ failed$' "$WORK/torture.out" | tail -1)
passed=$(sed -E 's/^torture: ([0-9]+) passed.*/\1/' <<<"${summary:-torture: 0 passed, 1 failed}")
failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"${summary:-torture: 0 passed, 1 failed}")

# The same process must still be serving: never restarted, never died.
if smw_alive && [ "$SMW_PID" = "$pid" ] && curl -sf "http://127.0.0.1:$SMW_METRICS_PORT/livez" >/dev/null; then
  passed=$((passed + 1))
  echo "torture: server pid $pid alive after the battery, $(smw_fd_count) descriptors, RSS $(smw_rss_kib) KiB"
else
  failed=$((failed + 1))
  echo "torture: FAIL the server (pid $pid) died or stopped answering; its log:"
  tail -20 "$SMW_LOG"
fi
if grep -qiE 'fatal error|panic|assertion|crash' "$SMW_LOG"; then
  failed=$((failed + 1))
  echo "torture: FAIL the server logged a fatal error:"
  grep -iE 'fatal error|panic|assertion|crash' "$SMW_LOG" | head -5
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
  echo "torture: FAIL the client exited with status $status"
fi

smw_stop TERM
if [ "$SMW_STATUS" -ne 0 ]; then
  failed=$((failed + 1))
  echo "torture: FAIL the server exited with status $SMW_STATUS on SIGTERM"
else
  passed=$((passed + 1))
fi

echo "torture: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
