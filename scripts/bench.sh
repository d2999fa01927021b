#!/usr/bin/env bash
# Benchmarks the webhook against nginx (same certificate, same machine, same load settings),
# alternating the two servers in one run, and prints req/s, latency and the ratio to nginx.
#
# Usage: scripts/bench.sh [--duration SECONDS] [--rounds N] [--body FILE] [--big-body FILE] [--threads N]
# Needs: nginx, wrk, h2load (Debian: nginx-light wrk nghttp2-client); installs them if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
rounds=2
threads=2
body=../shared/bench/ksvc-review-3.6k.json
big_body=../shared/bench/ksvc-review-1m.json
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --body) body=$2; shift 2 ;;
    --big-body) big_body=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$body" ] || { echo "bench.sh: no body file $body (pass --body FILE)" >&2; exit 2; }
body=$(readlink -f "$body")
[ -f "$big_body" ] && big_body=$(readlink -f "$big_body") || big_body=""

scripts/install-deps.sh
for tool in nginx:nginx-light wrk:wrk h2load:nghttp2-client; do
  command -v "${tool%%:*}" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool#*:}" >/dev/null; }
done
export PATH=/opt/swift/usr/bin:$PATH
swift build -c release --product serverless-mesh-webhook >/dev/null

work=$(mktemp -d)
cleanup() {
  [ -n "${ours_pid:-}" ] && kill "$ours_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  for _ in $(seq 50); do pgrep -f "nginx -c $work" >/dev/null || break; sleep 0.1; done
  rm -rf "$work"
}
trap cleanup EXIT
certs/generate.sh --out "$work/certs" --extra-san DNS:localhost --extra-san IP:127.0.0.1 >/dev/null

ours_port=18443
nginx_port=18444
.build/release/serverless-mesh-webhook serve --listen 127.0.0.1:$ours_port --metrics-listen off \
  --shutdown-delay 0 --shutdown-timeout 2 --threads "$threads" --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" --log-level warning >"$work/ours.log" 2>&1 &
ours_pid=$!

scripts/bench/nginx-conf.sh "$work" "$nginx_port" "$threads" > "$work/nginx.conf"
nginx -c "$work/nginx.conf" -e "$work/nginx-error.log"
for _ in $(seq 50); do
  curl -sk -o /dev/null "https://127.0.0.1:$ours_port/livez" && curl -sk -o /dev/null "https://127.0.0.1:$nginx_port/" && break
  sleep 0.2
done
# Both must be the processes started here (a leftover server on the port would be measured instead).
kill -0 "$ours_pid" 2>/dev/null || { echo "bench.sh: the webhook did not start:" >&2; cat "$work/ours.log" >&2; exit 1; }
[ -s "$work/nginx.pid" ] || { echo "bench.sh: nginx did not start:" >&2; cat "$work/nginx-error.log" >&2; exit 1; }

ours_url="https://127.0.0.1:$ours_port/mutate?timeout=10s"
nginx_url="https://127.0.0.1:$nginx_port/review"
echo "body: $body ($(stat -c %s "$body") bytes); duration ${duration}s x $rounds rounds; server threads: $threads; $(nproc) cores"
echo "ours answers: $(curl -sk -o /dev/null -w '%{http_code} %{size_download} bytes' -H 'Content-Type: application/json' --data-binary @"$body" "$ours_url"); nginx answers: $(curl -sk -o /dev/null -w '%{http_code} %{size_download} bytes' --data-binary @"$body" "$nginx_url")"

wrk_run() { # wrk_run URL -> "rps p99_us"
  BODY_FILE=$body wrk -t2 -c16 -d"${duration}s" --latency -s scripts/bench/post.lua "$1" 2>&1 | awk '/^RESULT/ { for (i=2;i<=NF;i++) { split($i,kv,"="); r[kv[1]]=kv[2] } print r["rps"], r["p99_us"], r["errors"] + r["non2xx"] }'
}
h2_run() { # h2_run URL CONNECTIONS STREAMS [BODY] -> "rps"
  h2load -D "$duration" -c "$2" -m "$3" -t 2 -d "${4:-$body}" -H 'content-type: application/json' "$1" 2>&1 | awk '/^finished in/ { gsub(",", "", $4); print $4 } /^requests:/ { print "REQ", $0 > "/dev/stderr" }'
}
h1_new_conn() { # full handshake per request: h2load over HTTP/1.1, one request per connection
  # (h2load's duration mode never ends with `connection: close`, so this one runs by count.)
  h2load --h1 -n "$((duration * 1500))" -c 16 -t 2 -H 'content-type: application/json' -H 'connection: close' -d "$body" "$1" 2>&1 | awk '/^finished in/ { gsub(",", "", $4); print $4 }'
}

declare -A best
record() { # record KEY VALUE (keeps the best of the rounds; for p99 the lowest)
  local key=$1 value=$2
  if [ -z "${best[$key]:-}" ]; then best[$key]=$value; return; fi
  if [[ $key == *p99* ]]; then
    awk -v a="$value" -v b="${best[$key]}" 'BEGIN { exit !(a < b) }' && best[$key]=$value
  else
    awk -v a="$value" -v b="${best[$key]}" 'BEGIN { exit !(a > b) }' && best[$key]=$value
  fi
  return 0
}

for round in $(seq "$rounds"); do
  for who in ours nginx; do
    url=${who}_url; url=${!url}
    read -r rps p99 errs < <(wrk_run "$url")
    record "$who.h1.rps" "$rps"; record "$who.h1.p99" "$p99"
    [ "${errs:-0}" = 0 ] || [ "$who" = ours ] || echo "warning: $who had $errs failed requests under wrk" >&2
    if [ "$who" = ours ]; then
      # The same load on a route that runs no policy (POST /livez is answered 405 after the
      # body is read): what the transport alone reaches, to split the gap to nginx.
      read -r rps _ _ < <(wrk_run "https://127.0.0.1:$ours_port/livez")
      record "ours.h1transport.rps" "$rps"
    fi
    record "$who.h2.rps" "$(h2_run "$url" 16 8 2>/dev/null)"
    record "$who.newconn.rps" "$(h1_new_conn "$url")"
    [ -n "$big_body" ] && record "$who.big.rps" "$(h2_run "$url" 4 1 "$big_body" 2>/dev/null)"
  done
done
rss_kib() { awk '/^VmRSS:/ { s += $2 } END { print s + 0 }' "$@" 2>/dev/null; }
ours_rss=$(rss_kib "/proc/$ours_pid/status")
nginx_rss=$(rss_kib $(for p in $(pgrep -f "nginx: (master|worker)"); do echo "/proc/$p/status"; done))
inprocess=$(.build/release/serverless-mesh-webhook replay --quiet --bench 30000 --webhook mutate "$body" | awk '/bench:/ { for (i = 1; i <= NF; i++) if ($(i+1) == "reviews/s,") print $i }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '\n%-44s %14s %14s %8s\n' "load" "webhook" "nginx" "ratio"
printf '%-44s %14s %14s %8s\n' "HTTP/1.1 keep-alive, wrk 16 conns (req/s)" "${best[ours.h1.rps]}" "${best[nginx.h1.rps]}" "$(ratio "${best[ours.h1.rps]}" "${best[nginx.h1.rps]}")"
printf '%-44s %14s %14s %8s\n' "  same load, no policy (POST /livez, 405)" "${best[ours.h1transport.rps]}" "${best[nginx.h1.rps]}" "$(ratio "${best[ours.h1transport.rps]}" "${best[nginx.h1.rps]}")"
printf '%-44s %14s %14s %8s\n' "HTTP/1.1 keep-alive, wrk p99 (µs)" "${best[ours.h1.p99]}" "${best[nginx.h1.p99]}" "$(ratio "${best[ours.h1.p99]}" "${best[nginx.h1.p99]}")"
printf '%-44s %14s %14s %8s\n' "HTTP/2, h2load 16 conns x 8 streams (req/s)" "${best[ours.h2.rps]}" "${best[nginx.h2.rps]}" "$(ratio "${best[ours.h2.rps]}" "${best[nginx.h2.rps]}")"
printf '%-44s %14s %14s %8s\n' "new TLS connection per request (req/s)" "${best[ours.newconn.rps]}" "${best[nginx.newconn.rps]}" "$(ratio "${best[ours.newconn.rps]}" "${best[nginx.newconn.rps]}")"
[ -n "$big_body" ] && printf '%-44s %14s %14s %8s\n' "1 MB review, h2load 4 connections (req/s)" "${best[ours.big.rps]}" "${best[nginx.big.rps]}" "$(ratio "${best[ours.big.rps]}" "${best[nginx.big.rps]}")"
printf '%-44s %14s %14s %8s\n' "RSS after the runs (MiB; nginx: all processes)" "$((ours_rss / 1024))" "$((nginx_rss / 1024))" "$(ratio "$ours_rss" "$nginx_rss")"
printf '%-44s %14s\n' "in-process pipeline, 1 thread (reviews/s)" "$inprocess"
