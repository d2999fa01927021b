#!/usr/bin/env bash
# Slow clients (issue 5): slowloris (slow headers) and slow-body attacks, 200 connections
# each, for 60 s (--smoke: 15 s) against the TLS port of a server run with
# --request-timeout 10. Meanwhile a well-behaved client POSTs a review to /mutate every
# ~100 ms with curl (HTTP/1.1, a new TLS connection each time).
# Asserts: every normal request is answered 200, their p99 is under 100 ms; the attack really
# held connections open; the server closed the slow connections itself with 408 (request
# timeout) — slowhttptest never saw a connection live past the timeout plus its own tick —
# and http_connections_open falls back to its starting value afterwards.
# Usage: scripts/hardening/slow-clients.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs slowhttptest curl

DURATION=60; [ "$SMOKE" = 1 ] && DURATION=15
CONNECTIONS=200
TIMEOUT=10
TICK=3   # slowhttptest sends a little more every TICK s: only the request timeout can stop it

smw_build release
smw_start --request-timeout "$TIMEOUT"
REVIEW=$(smw_review)
base_open=$(smw_metric http_connections_open)
note "server pid $SMW_PID on 127.0.0.1:$SMW_PORT; attack ${DURATION}s, $CONNECTIONS connections per mode"

good_client() {
  while [ ! -e "$WORK/stop" ]; do
    smw_curl -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -H 'Expect:' \
      --max-time 5 --data-binary "@$REVIEW" "https://localhost:$SMW_PORT/mutate" >>"$WORK/good.txt" 2>>"$WORK/good.err" \
      || echo "000 99" >>"$WORK/good.txt"
    sleep 0.1
  done
}

# slowhttptest opens its connections once and stops when the server has closed them all, so
# each mode is run in rounds until the attack time is used up.
attack() { # attack -H|-B
  local mode=$1 end=$((SECONDS + DURATION)) round=0
  while [ "$SECONDS" -lt "$end" ]; do
    slowhttptest "$mode" -c "$CONNECTIONS" -r "$CONNECTIONS" -i "$TICK" -l $((end - SECONDS + 1)) -p 3 -s 8192 \
      -t POST -f application/json -g -o "$WORK/slow$mode-$round" -u "https://127.0.0.1:$SMW_PORT/mutate" \
      >"$WORK/slow$mode-$round.log" 2>&1 || true
    round=$((round + 1))
  done
  echo "$round" >"$WORK/rounds$mode"
}

good_client & good_pid=$!
sleep 1
attack -H & h_pid=$!
attack -B & b_pid=$!
max_open=0
while kill -0 "$h_pid" 2>/dev/null || kill -0 "$b_pid" 2>/dev/null; do
  open=$(smw_metric http_connections_open)
  [ "${open%.*}" -gt "$max_open" ] && max_open=${open%.*}
  sleep 1
done
wait "$h_pid" "$b_pid" || true
touch "$WORK/stop"; wait "$good_pid" || true

# The slow connections still open when slowhttptest stopped are the server's to close.
settled_open=""
for _ in $(seq $((TIMEOUT * 2 + 10))); do
  settled_open=$(smw_metric http_connections_open)
  [ "${settled_open%.*}" -le "${base_open%.*}" ] && break
  sleep 0.5
done

good_count=$(wc -l <"$WORK/good.txt")
good_ok=$(awk '$1 == 200' "$WORK/good.txt" | wc -l)
p99=$(awk '{ print $2 }' "$WORK/good.txt" | sort -n | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; print v[i] }')
p50=$(awk '{ print $2 }' "$WORK/good.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
timeouts=$(smw_metric 'http_requests_total{protocol="http/1.1",code="408"}')
# Longest time any slow connection stayed connected, from slowhttptest's CSV (seconds,
# closed, pending, connected, service available): the last second with connections open.
longest=$(cat "$WORK"/slow*.csv 2>/dev/null | awk -F, '$1 ~ /^[0-9]+$/ && $4 + 0 > 0 { if ($1 + 0 > m) m = $1 + 0 } END { print m + 0 }')
rounds_h=$(cat "$WORK/rounds-H"); rounds_b=$(cat "$WORK/rounds-B")
note "normal requests: $good_ok/$good_count answered 200, p50 ${p50}s, p99 ${p99}s"
note "connections open: max $max_open during the attack, $settled_open after (start $base_open)"
note "408 responses: $timeouts; slowloris rounds $rounds_h, slow-body rounds $rounds_b; longest slow connection ${longest}s"

check "normal requests kept coming (≥ $((DURATION * 4)))" le "$((DURATION * 4))" "$good_count"
check "every normal request answered 200" test "$good_ok" -eq "$good_count"
check "normal requests p99 < 100 ms during the attack (${p99}s)" lt "$p99" 0.100
check "the attack held ≥ $CONNECTIONS connections open at once (max $max_open)" le "$CONNECTIONS" "$max_open"
check "slow connections answered 408 by the request timeout ($timeouts)" le "$((CONNECTIONS * 2))" "$timeouts"
check "no slow connection outlived the timeout plus a tick (${longest}s ≤ $((TIMEOUT + TICK + 2))s)" le "$longest" $((TIMEOUT + TICK + 2))
check "http_connections_open back to $base_open after the attack ($settled_open)" le "$settled_open" "$base_open"
check "server still running" smw_alive
smw_stop
check "server exits 0 on SIGTERM ($SMW_STATUS)" test "$SMW_STATUS" -eq 0
finish
