#!/usr/bin/env bash
# Connection storms (issue 5): 20,000 TCP connect/close cycles and 20,000 TLS handshake/close
# cycles; 5,000 simultaneous idle keep-alive TLS connections (RSS reported, target ≤ 128 MiB);
# then 5,000 against a server run with --max-connections 4000. (--smoke: 2,000 cycles each,
# 1,000 idle, --max-connections 800.) The client is storm.py.
# Asserts: every cycle succeeds and no handshake error is counted; all idle connections are
# held and each still answers afterwards; RSS with them ≤ 128 MiB; beyond --max-connections
# new connections are refused and counted in http_connections_rejected_total while every held
# one is still served; after each storm the server's open descriptors and
# http_connections_open return to their starting values.
# Usage: scripts/hardening/connection-storm.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs python3

CYCLES=20000; IDLE=5000; CAP=4000
[ "$SMOKE" = 1 ] && { CYCLES=2000; IDLE=1000; CAP=800; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((IDLE + 200)) ] || fail "cannot raise the descriptor limit above $IDLE (ulimit -n is $(ulimit -n))"
STORM="$ROOT/scripts/hardening/storm.py"

# settle EXPECTED_FDS: waits (≤ 15 s) until the server is back to EXPECTED_FDS descriptors
# and no open connection; prints "fds open".
settle() {
  local fds open
  for _ in $(seq 60); do
    fds=$(smw_fd_count); open=$(smw_metric http_connections_open)
    [ "$fds" -le "$1" ] && [ "${open%.*}" -eq 0 ] && break
    sleep 0.25
  done
  echo "$fds ${open%.*}"
}

# hold COUNT: storm.py idle in the background; waits until it holds its connections.
hold() {
  rm -f "$WORK/ready" "$WORK/go"
  python3 "$STORM" idle "$SMW_PORT" "$WORK/certs/ca.crt" "$1" "$WORK" >"$WORK/idle.txt" 2>&1 & idle_pid=$!
  for _ in $(seq 1200); do [ -e "$WORK/ready" ] && break; kill -0 "$idle_pid" 2>/dev/null || break; sleep 0.1; done
  [ -e "$WORK/ready" ] || { cat "$WORK/idle.txt"; fail "storm.py idle did not get ready"; }
}

smw_build release
smw_start
note "server pid $SMW_PID on 127.0.0.1:$SMW_PORT (ulimit -n $(ulimit -n))"
sleep 0.5
fds0=$(smw_fd_count); rss0=$(smw_rss_kib)

for mode in tcp tls; do
  line=$(python3 "$STORM" cycles "$SMW_PORT" "$WORK/certs/ca.crt" "$mode" "$CYCLES" 4)
  note "$line"
  ok=$(sed -E 's/.*ok=([0-9]+).*/\1/' <<<"$line")
  check "$CYCLES $mode connect/close cycles all succeed ($ok)" test "$ok" -eq "$CYCLES"
  read -r fds open < <(settle "$fds0")
  check "after the $mode storm: descriptors back to $fds0 ($fds), no connection open ($open)" test "$fds" -le "$fds0" -a "$open" -eq 0
done
errors=$(smw_metric tls_handshake_errors_total)
check "no TLS handshake error counted ($errors)" test "${errors%.*}" -eq 0

hold "$IDLE"
read -r opened refused <"$WORK/ready"
open=$(smw_metric http_connections_open); rss=$(smw_rss_kib); fds=$(smw_fd_count)
note "$opened idle keep-alive connections held: RSS $((rss / 1024)) MiB ($rss KiB; $((rss0 / 1024)) MiB before), $fds descriptors, http_connections_open $open"
touch "$WORK/go"; wait "$idle_pid" || true
note "$(cat "$WORK/idle.txt")"
served=$(sed -nE 's/.*served=([0-9]+).*/\1/p' "$WORK/idle.txt")
check "$IDLE simultaneous idle connections held ($opened, refused $refused)" test "$opened" -eq "$IDLE"
check "every held connection still answers (${served:-0})" test "${served:-0}" -eq "$IDLE"
check "RSS with $opened idle connections ≤ 128 MiB ($((rss / 1024)) MiB)" test "$rss" -le $((128 * 1024))
read -r fds open < <(settle "$fds0")
check "after the idle storm: descriptors back to $fds0 ($fds), no connection open ($open)" test "$fds" -le "$fds0" -a "$open" -eq 0
smw_stop

smw_start --max-connections "$CAP"
sleep 0.5
fds0=$(smw_fd_count)
hold "$IDLE"
read -r opened refused <"$WORK/ready"
rejected=$(smw_metric http_connections_rejected_total); open=$(smw_metric http_connections_open)
touch "$WORK/go"; wait "$idle_pid" || true
note "--max-connections $CAP: $(cat "$WORK/idle.txt"), http_connections_rejected_total $rejected, http_connections_open $open"
served=$(sed -nE 's/.*served=([0-9]+).*/\1/p' "$WORK/idle.txt")
check "at the cap: $CAP held, $((IDLE - CAP)) refused ($opened, $refused)" test "$opened" -eq "$CAP" -a "$refused" -eq $((IDLE - CAP))
check "refusals counted in http_connections_rejected_total ($rejected)" test "${rejected%.*}" -eq $((IDLE - CAP))
check "existing connections served at the cap (${served:-0}/$CAP)" test "${served:-0}" -eq "$CAP"
read -r fds open < <(settle "$fds0")
check "after the capped storm: descriptors back to $fds0 ($fds), no connection open ($open)" test "$fds" -le "$fds0" -a "$open" -eq 0
check "server still running" smw_alive
smw_stop
check "server exits 0 on SIGTERM ($SMW_STATUS)" test "$SMW_STATUS" -eq 0
finish
