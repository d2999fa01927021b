#!/usr/bin/env bash
# Benchmarks the webhook against nginx (same certificate, same machine, same load settings),
# alternating the two servers load by load (back to back, the order swapped every round), and
# prints the best req/s and latency of the rounds, their ratio to nginx, and the ratio of each
# back-to-back pair with its median.
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
declare -A pairs # "KEY" -> space-separated per-round ratios (webhook / nginx, back to back)
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
pair() { # pair KEY OURS NGINX: the ratio of one back-to-back pair
  pairs[$1]="${pairs[$1]:-} $(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "nan" }')"
}

# One load at a time, the two servers back to back (seconds apart, so that what else the
# machine runs weighs on both alike), the order swapped every round.
measure() { # measure KEY COMMAND... (the command gets the URL last and prints "rps [p99 errors]")
  local key=$1; shift
  local first=ours second=nginx
  [ $((round % 2)) = 0 ] && { first=nginx; second=ours; }
  local who url rps p99 errs
  declare -A got
  for who in $first $second; do
    url=${who}_url
    read -r rps p99 errs < <("$@" "${!url}")
    got[$who]=$rps
    record "$who.$key.rps" "$rps"
    if [ -n "${p99:-}" ]; then record "$who.$key.p99" "$p99"; got[$who.p99]=$p99; fi
    [ "${errs:-0}" = 0 ] || [ "$who" = ours ] || echo "warning: $who had $errs failed requests ($key)" >&2
  done
  pair "$key" "${got[ours]}" "${got[nginx]}"
  last_nginx=${got[nginx]}
  [ -n "${got[ours.p99]:-}" ] && pair "$key.p99" "${got[ours.p99]}" "${got[nginx.p99]}"
  return 0
}
h2_streams() { h2_run "$1" 16 8 2>/dev/null; }
h2_big() { h2_run "$1" 4 1 "$big_body" 2>/dev/null; }

for round in $(seq "$rounds"); do
  measure h1 wrk_run
  # The same load on a route that runs no policy (POST /livez is answered 405 after the body
  # is read): what the transport alone reaches, to split the gap to nginx.
  read -r rps _ _ < <(wrk_run "https://127.0.0.1:$ours_port/livez")
  record "ours.h1transport.rps" "$rps"
  pair h1transport "$rps" "$last_nginx"
  measure h2 h2_streams
  measure newconn h1_new_conn
  [ -n "$big_body" ] && measure big h2_big
done
rss_kib() { awk '/^VmRSS:/ { s += $2 } END { print s + 0 }' "$@" 2>/dev/null; }
ours_rss=$(rss_kib "/proc/$ours_pid/status")
nginx_rss=$(rss_kib $(for p in $(pgrep -f "nginx: (master|worker)"); do echo "/proc/$p/status"; done))
inprocess=$(.build/release/serverless-mesh-webhook replay --quiet --bench 30000 --webhook mutate "$body" | awk '/bench:/ { for (i = 1; i <= NF; i++) if ($(i+1) == "reviews/s,") print $i }')

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() { # row LABEL KEY [FIELD]: best of the rounds for each server, their ratio, the median of the back-to-back ratios and those ratios
  local ours=${best[ours.$2.${3:-rps}]:-} nginx=${best[nginx.$2.${3:-rps}]:-} key=$2
  [ "${3:-rps}" = p99 ] && key=$2.p99
  [ "$2" = h1transport ] && nginx=${best[nginx.h1.rps]}
  printf '%-44s %10s %10s %6s %7s  %s\n' "$1" "$ours" "$nginx" "$(ratio "$ours" "$nginx")" "$(median "${pairs[$key]:-}")" \
    "$(tr ' ' '\n' <<<"${pairs[$key]:-}" | grep -v '^$' | awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }')"
}
printf '\n%-44s %10s %10s %6s %7s  %s\n' "load (best of $rounds rounds; pairs back to back)" "webhook" "nginx" "ratio" "median" "ratio of each pair"
row "HTTP/1.1 keep-alive, wrk 16 conns (req/s)" h1
row "  same load, no policy (POST /livez, 405)" h1transport
row "HTTP/1.1 keep-alive, wrk p99 (µs)" h1 p99
row "HTTP/2, h2load 16 conns x 8 streams (req/s)" h2
row "new TLS connection per request (req/s)" newconn
[ -n "$big_body" ] && row "1 MB review, h2load 4 connections (req/s)" big
printf '%-44s %14s %14s %8s\n' "RSS after the runs (MiB; nginx: all processes)" "$((ours_rss / 1024))" "$((nginx_rss / 1024))" "$(ratio "$ours_rss" "$nginx_rss")"
printf '%-44s %14s\n' "in-process pipeline, 1 thread (reviews/s)" "$inprocess"
