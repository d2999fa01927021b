#!/usr/bin/env bash
# Instructions the server spends per request and per new connection, against nginx's, counted
# by valgrind's callgrind: a repeatable companion to scripts/bench.sh's req/s, whose figures
# swing with whatever else the (shared) machine runs. Each server runs with one worker under
# callgrind; after a warm-up it is sent N keep-alive requests on one connection (h2load --h1),
# then M requests each on a new TLS connection, and the counts between are divided out.
# nginx is configured as in bench.sh (scripts/bench/nginx-conf.sh).
#
# Usage: scripts/icount-server.sh [--requests N] [--connections M] [--body FILE] [--path '/mutate?timeout=10s']
# (kube-apiserver always sends `?timeout=`, and bench.sh's load does too; nginx ignores it.)
# Needs: valgrind, nginx, h2load (Debian: valgrind nginx-light nghttp2-client).
set -euo pipefail
cd "$(dirname "$0")/.."
requests=2000
connections=200
body=../shared/bench/ksvc-review-3.6k.json
path='/mutate?timeout=10s'
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --body) body=$2; shift 2 ;;
    --path) path=$2; shift 2 ;;
    *) echo "icount-server.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in valgrind nginx h2load callgrind_control; do
  command -v "$tool" >/dev/null || { echo "icount-server.sh: needs $tool (apt-get install -y valgrind nginx-light nghttp2-client)" >&2; exit 2; }
done
body=$(readlink -f "$body")
# As scripts/icount.sh: no debug info (valgrind 3.19 cannot read this toolchain's DWARF).
if ! swift build -c release --product serverless-mesh-webhook -Xswiftc -gnone -Xcc -g0 --scratch-path .build-perf >.build-perf.log 2>&1; then
  tail -20 .build-perf.log >&2
  exit 1
fi
work=$(mktemp -d)
cleanup() {
  for pid in $(pgrep -f "valgrind.*$work" || true); do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
certs/generate.sh --out "$work/certs" --extra-san DNS:localhost --extra-san IP:127.0.0.1 >/dev/null
ours_port=$((20000 + RANDOM % 5000))
nginx_port=$((ours_port + 1))
scripts/bench/nginx-conf.sh "$work" "$nginx_port" 1 single > "$work/nginx.conf"

load() { # load URL COUNT [close]
  local extra=()
  [ "${3:-}" = close ] && extra=(-H 'connection: close')
  h2load --h1 -n "$2" -c 1 -H 'content-type: application/json' "${extra[@]}" -d "$body" "$1" 2>&1 \
    | grep -q " $2 succeeded" || { echo "icount-server.sh: requests to $1 failed" >&2; exit 1; }
}
count() { # count NAME PORT -- COMMAND...: prints "per-request per-connection"
  local name=$1 port=$2; shift 3
  valgrind --tool=callgrind --callgrind-out-file="$work/$name.cg" "$@" >"$work/$name.log" 2>&1 &
  local url="https://127.0.0.1:$port$path"
  for _ in $(seq 150); do curl -sk -o /dev/null "https://127.0.0.1:$port/" && break; sleep 0.2; done
  local pid
  pid=$(pgrep -f "valgrind.*$work/$name.cg")
  load "$url" 200; load "$url" 20 close
  callgrind_control -z "$pid" >/dev/null 2>&1
  load "$url" "$requests"
  callgrind_control -d "$pid" >/dev/null 2>&1
  load "$url" "$connections" close
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local a b
  a=$(awk '/^summary:/ { print $2 }' "$work/$name.cg.1")
  b=$(awk '/^summary:/ { print $2 }' "$work/$name.cg.2")
  echo "$((a / requests)) $((b / connections))"
}
read -r ours_request ours_connection < <(count ours "$ours_port" -- .build-perf/release/serverless-mesh-webhook serve \
  --listen "127.0.0.1:$ours_port" --metrics-listen off --threads 1 --shutdown-delay 0 \
  --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" --log-level warning)
read -r nginx_request nginx_connection < <(count nginx "$nginx_port" -- nginx -c "$work/nginx.conf" -e "$work/nginx-error.log")
echo "body: $body ($(stat -c %s "$body") bytes), path $path; $requests keep-alive requests, $connections new connections"
printf '%-46s %12s %12s %8s\n' "instructions (callgrind)" webhook nginx ratio
printf '%-46s %12s %12s %8s\n' "per keep-alive HTTP/1.1 request" "$ours_request" "$nginx_request" \
  "$(awk -v a="$ours_request" -v b="$nginx_request" 'BEGIN { printf "%.2f", a / b }')"
printf '%-46s %12s %12s %8s\n' "per request on a new TLS connection" "$ours_connection" "$nginx_connection" \
  "$(awk -v a="$ours_connection" -v b="$nginx_connection" 'BEGIN { printf "%.2f", a / b }')"
