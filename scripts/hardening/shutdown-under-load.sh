#!/usr/bin/env bash
# Shutdown under load (issue 5): load_client.py keeps 8 HTTP/1.1 clients POSTing a review to
# /mutate (keep-alive until told `Connection: close`), then the server gets SIGTERM
# (--shutdown-delay 3 --shutdown-timeout 5), 3 times (--smoke: once).
# Asserts: /readyz answers 503 during the delay while requests are still served; no request
# whose bytes were written before the listener closed (the "listeners closed" log line) fails;
# after it, connections are refused; the server exits 0 within delay + timeout (+1 s).
# Usage: scripts/hardening/shutdown-under-load.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs python3 curl

RUNS=3; [ "$SMOKE" = 1 ] && RUNS=1
DELAY=3; TIMEOUT=5; LOAD_BEFORE=3
smw_build release
REVIEW=$(smw_review)

for run in $(seq "$RUNS"); do
  smw_start --shutdown-delay "$DELAY" --shutdown-timeout "$TIMEOUT"
  out="$WORK/load-$run.tsv"
  python3 "$ROOT/scripts/hardening/load_client.py" "$SMW_PORT" "$WORK/certs/ca.crt" "$REVIEW" 8 \
    $((LOAD_BEFORE + DELAY + TIMEOUT + 5)) "$out" & client_pid=$!
  sleep "$LOAD_BEFORE"
  signalled=$(date +%s.%N)
  kill -TERM "$SMW_PID"
  sleep 0.5
  ready=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$SMW_METRICS_PORT/readyz" || true)
  SMW_STATUS=0; wait "$SMW_PID" || SMW_STATUS=$?; SMW_PID=""   # (smw_stop would signal again)
  exited=$(date +%s.%N)
  wait "$client_pid" || true
  elapsed=$(awk -v a="$signalled" -v b="$exited" 'BEGIN { printf "%.2f", b - a }')
  # The listener-close instant, from the server's own log line.
  closed_at=$(python3 - "$SMW_LOG" <<'PY'
import json, sys, datetime
for line in open(sys.argv[1]):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("message", "").startswith("shutdown: listeners closed"):
        t = datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        print("%.3f" % t.timestamp())
        break
PY
)
  [ -n "$closed_at" ] || { tail -5 "$SMW_LOG"; fail "no 'listeners closed' line in the server log"; }
  read -r before_ok before_failed after_ok after_refused after_failed during_drain < <(awk -F'\t' -v c="$closed_at" -v s="$signalled" '
    $1 <= c && $2 == "ok" { bo++ } $1 <= c && $2 == "failed" { bf++ }
    $1 > c && $2 == "ok" { ao++ } $1 > c && $2 == "refused" { ar++ } $1 > c && $2 == "failed" { af++ }
    $1 > s && $1 <= c && $2 == "ok" { dd++ }
    END { print bo + 0, bf + 0, ao + 0, ar + 0, af + 0, dd + 0 }' "$out")
  note "run $run: exit $SMW_STATUS after ${elapsed}s; before the listener closed: $before_ok ok ($during_drain during the delay), $before_failed failed; after: $after_ok ok, $after_refused refused, $after_failed failed; /readyz during the delay: $ready"
  awk -F'\t' -v c="$closed_at" '$1 <= c && $2 == "failed"' "$out" | head -5 | sed 's/^/    failed: /'
  check "run $run: /readyz 503 during the delay ($ready)" test "$ready" = 503
  check "run $run: requests served during the delay ($during_drain)" test "$during_drain" -gt 0
  check "run $run: no failed request among those sent before the listener closed ($before_failed of $((before_ok + before_failed)))" test "$before_failed" -eq 0 -a "$before_ok" -gt 0
  check "run $run: exit 0 ($SMW_STATUS) within delay + timeout (${elapsed}s ≤ $((DELAY + TIMEOUT + 1))s)" \
    eval "[ '$SMW_STATUS' -eq 0 ] && le '$elapsed' $((DELAY + TIMEOUT + 1))"
done
finish
