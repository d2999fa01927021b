#!/usr/bin/env bash
# HTTP/2 abuse (issue 5): frames crafted with the Python `h2` package's framing layers
# (h2_abuse.py): rapid reset flood (CVE-2023-44487), CONTINUATION flood (CVE-2024-27316
# family), SETTINGS flood and PING flood (CVE-2019-9515/9512), and more concurrent streams
# than the 100 allowed. Each attack runs on its own connection, 3 times (--smoke: once).
# Asserts: every offending connection gets a GOAWAY with an error code (recorded) and is
# closed by the server; meanwhile a well-behaved client (curl --http2, a POST to /mutate in a
# loop, a new connection each time) is answered 200 every time; the server still runs.
# Usage: scripts/hardening/h2-abuse.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs curl python3-pip
need_python_module h2 h2

ROUNDS=3; [ "$SMOKE" = 1 ] && ROUNDS=1
ATTACKS=(rapid-reset continuation settings ping streams)
smw_build release
smw_start
REVIEW=$(smw_review)
note "server pid $SMW_PID on 127.0.0.1:$SMW_PORT"

good_client() {
  while [ ! -e "$WORK/stop" ]; do
    curl -sS --http2 --cacert "$WORK/certs/ca.crt" --resolve "localhost:$SMW_PORT:127.0.0.1" -o /dev/null \
      -w '%{http_code} %{http_version} %{time_total}\n' -H 'Content-Type: application/json' --max-time 5 \
      --data-binary "@$REVIEW" "https://localhost:$SMW_PORT/mutate" >>"$WORK/good.txt" 2>>"$WORK/good.err" \
      || echo "000 0 99" >>"$WORK/good.txt"
    sleep 0.05
  done
}
good_client & good_pid=$!
sleep 0.5
for round in $(seq "$ROUNDS"); do
  for attack in "${ATTACKS[@]}"; do
    timeout 60 python3 "$ROOT/scripts/hardening/h2_abuse.py" "$SMW_PORT" "$WORK/certs/ca.crt" "$attack" \
      >>"$WORK/results.txt" 2>>"$WORK/abuse.err" || echo "RESULT $attack goaway=client-error closed=no" >>"$WORK/results.txt"
  done
done
sleep 0.5
touch "$WORK/stop"; wait "$good_pid" || true

sed 's/^RESULT /  /' "$WORK/results.txt"
[ -s "$WORK/abuse.err" ] && sed 's/^/  client: /' "$WORK/abuse.err" | tail -5
for attack in "${ATTACKS[@]}"; do
  runs=$(grep -c "^RESULT $attack " "$WORK/results.txt" || true)
  closed=$(grep "^RESULT $attack " "$WORK/results.txt" | grep -v 'goaway=none\|goaway=NO_ERROR\|goaway=client-error' | grep -c 'closed=yes' || true)
  codes=$(grep "^RESULT $attack " "$WORK/results.txt" | sed -E 's/.*goaway=([^ ]+).*/\1/' | sort -u | paste -sd, -)
  check "$attack: GOAWAY ($codes) and closed, $closed of $runs runs" test "$closed" -eq "$ROUNDS" -a "$runs" -eq "$ROUNDS"
done
good_count=$(wc -l <"$WORK/good.txt")
good_ok=$(awk '$1 == 200 && $2 == 2' "$WORK/good.txt" | wc -l)
p99=$(awk '{ print $3 }' "$WORK/good.txt" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; print v[i] }')
note "well-behaved h2 client: $good_ok/$good_count answered 200 over HTTP/2, p99 ${p99}s"
check "well-behaved client served throughout ($good_ok/$good_count over h2)" test "$good_ok" -eq "$good_count" -a "$good_count" -ge 5
check "server still running" smw_alive
smw_stop
check "server exits 0 on SIGTERM afterwards ($SMW_STATUS)" test "$SMW_STATUS" -eq 0
finish
