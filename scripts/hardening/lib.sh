# Shared helpers for the hardening scripts: build once, make certificates, start and stop the
# real server on loopback, read its ports, count its descriptors and memory. Source it:
#   . "$(dirname "$0")/lib.sh"
# Every script that sources it gets: $ROOT (repository), $WORK (a temporary directory removed
# on exit), `smw_build [debug|release]`, `smw_certs`, `smw_start ARGS...` (sets SMW_PID,
# SMW_PORT, SMW_METRICS_PORT, SMW_LOG), `smw_stop [SIGNAL]` (sets SMW_STATUS to the exit
# status; call it directly, not in $(...), which would run it in a subshell),
# `smw_fd_count`, `smw_rss_kib`, `smw_metric NAME_WITH_LABELS`, `smw_review` (the path of a
# 3.6 KB review), and `pass`/`fail` that print one closing line and exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d /tmp/smw-hardening.XXXXXX)
SMW_PID=""
# SMW_BIN=/path/to/binary in the environment: use that release binary instead of building one.
SMW_PRESET_BIN=${SMW_BIN:-}
SMW_BIN=""
export PATH=/opt/swift/usr/bin:$PATH

smw_cleanup() {
  if [ -n "$SMW_PID" ] && kill -0 "$SMW_PID" 2>/dev/null; then kill -KILL "$SMW_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap smw_cleanup EXIT

# smw_build [debug|release]: builds the server (release by default) and sets SMW_BIN.
smw_build() {
  local configuration=${1:-release}
  if [ -n "$SMW_PRESET_BIN" ] && [ "$configuration" = release ]; then
    SMW_BIN=$SMW_PRESET_BIN
    return
  fi
  (cd "$ROOT" && swift build -c "$configuration" --product serverless-mesh-webhook >/dev/null)
  SMW_BIN="$ROOT/.build/$configuration/serverless-mesh-webhook"
}

# smw_certs: a CA and a serving certificate for localhost in $WORK/certs.
smw_certs() {
  [ -e "$WORK/certs/tls.key" ] || "$ROOT/certs/generate.sh" --out "$WORK/certs" --force \
    --extra-san DNS:localhost --extra-san IP:127.0.0.1 >/dev/null
}

# smw_start ARGS...: starts `serve` on 127.0.0.1 (ephemeral ports) with the test certificate
# and extra ARGS; waits for its "listening" line.
smw_start() {
  [ -n "$SMW_BIN" ] || smw_build release
  smw_certs
  SMW_LOG="$WORK/server-$$-$RANDOM.log"
  "$SMW_BIN" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
    --tls-cert "$WORK/certs/tls.crt" --tls-key "$WORK/certs/tls.key" "$@" >"$SMW_LOG" 2>&1 &
  SMW_PID=$!
  local line=""
  for _ in $(seq 200); do
    line=$(grep -m1 '"message":"listening"' "$SMW_LOG" 2>/dev/null || true)
    [ -n "$line" ] && break
    kill -0 "$SMW_PID" 2>/dev/null || { cat "$SMW_LOG" >&2; fail "the server did not start"; }
    sleep 0.05
  done
  [ -n "$line" ] || fail "the server did not report its ports"
  SMW_PORT=$(sed -E 's/.*"tls_ports":"\[([0-9]+).*/\1/' <<<"$line")
  SMW_METRICS_PORT=$(sed -E 's/.*"metrics_port":"([0-9]+)".*/\1/' <<<"$line")
}

# smw_stop [SIGNAL]: signals the server (TERM by default), waits, sets SMW_STATUS.
smw_stop() {
  local signal=${1:-TERM}
  SMW_STATUS=0
  kill "-$signal" "$SMW_PID" 2>/dev/null || true
  wait "$SMW_PID" || SMW_STATUS=$?
  SMW_PID=""
}

smw_alive() { [ -n "$SMW_PID" ] && kill -0 "$SMW_PID" 2>/dev/null; }
smw_fd_count() { ls "/proc/$SMW_PID/fd" | wc -l; }
smw_rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SMW_PID/status"; }
smw_metric() { curl -s "http://127.0.0.1:$SMW_METRICS_PORT/metrics" | awk -v name="$1" '$1 == name { print $2; found = 1 } END { if (!found) print 0 }'; }
smw_review() { echo "$ROOT/Tests/PolicyTests/Fixtures/reviews/default/mutate/ksvc-create-no-annotation-maps.request.json"; }
smw_curl() { curl -sS --http1.1 --cacert "$WORK/certs/ca.crt" --resolve "localhost:$SMW_PORT:127.0.0.1" "$@"; }

pass() { echo "$SCRIPT_NAME: 1 passed, 0 failed${1:+ — $1}"; exit 0; }
fail() { echo "$SCRIPT_NAME: 0 passed, 1 failed — $1"; exit 1; }
SCRIPT_NAME=$(basename "$0" .sh)
