#!/usr/bin/env bash
# Certificate rotation under load (issue 5): the server runs with --reload-interval 1 and its
# certificate files laid out as Kubernetes mounts a Secret (tls.crt -> ..data/tls.crt, ..data
# -> a versioned directory); every second ..data is swapped atomically to another of three
# key pairs signed by the same CA, for 30 s (--smoke: 10 s). Meanwhile wrk POSTs a review to
# /mutate with `Connection: close`, so that every request makes a new TLS handshake.
# Asserts: no failed request (wrk socket errors and non-2xx both 0); the reloads happened
# (tls_certificate_reloads_total{result="success"} near one per swap, no failure); a new
# handshake afterwards is served the last certificate; the server still runs.
# Usage: scripts/hardening/rotation-under-load.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs wrk openssl

DURATION=30; [ "$SMOKE" = 1 ] && DURATION=10
smw_build release
smw_certs
certs="$WORK/certs"
# Three key pairs from the CA of smw_certs, each in its own version directory.
for v in 0 1 2; do
  mkdir -p "$certs/..v$v"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$certs/..v$v/tls.key" 2>/dev/null
  openssl req -new -key "$certs/..v$v/tls.key" -subj "/CN=localhost-v$v" 2>/dev/null |
    openssl x509 -req -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -days 2 -sha256 \
      -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
      -out "$certs/..v$v/tls.crt" 2>/dev/null
done
ln -sfn ..v0 "$certs/..data"
ln -sf ..data/tls.crt "$certs/tls.crt"
ln -sf ..data/tls.key "$certs/tls.key"

smw_start --reload-interval 1
note "server pid $SMW_PID on 127.0.0.1:$SMW_PORT; rotating for ${DURATION}s under wrk with Connection: close"
BODY_FILE=$(smw_review) wrk -t2 -c8 -d "$((DURATION + 2))s" -s "$ROOT/scripts/bench/post.lua" -H 'Connection: close' \
  "https://127.0.0.1:$SMW_PORT/mutate" >"$WORK/wrk.txt" 2>&1 & wrk_pid=$!
sleep 1
swaps=0
end=$((SECONDS + DURATION))
while [ "$SECONDS" -lt "$end" ]; do
  swaps=$((swaps + 1))
  ln -sfn "..v$((swaps % 3))" "$certs/..data_tmp" && mv -T "$certs/..data_tmp" "$certs/..data"
  sleep 1
done
last=$((swaps % 3))
wait "$wrk_pid" || true
sleep 1.5

result=$(grep '^RESULT' "$WORK/wrk.txt" || true)
requests=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
errors=$(sed -nE 's/.*errors=([0-9]+).*/\1/p' <<<"$result"); non2xx=$(sed -nE 's/.*non2xx=([0-9]+).*/\1/p' <<<"$result")
ok_reloads=$(smw_metric 'tls_certificate_reloads_total{result="success"}')
bad_reloads=$(smw_metric 'tls_certificate_reloads_total{result="failure"}')
served=$(openssl s_client -connect "127.0.0.1:$SMW_PORT" -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -subject 2>/dev/null || true)
note "wrk: ${requests:-?} requests, each a new TLS connection; $result"
note "$swaps swaps; reloads: $ok_reloads succeeded, $bad_reloads failed; a new handshake now gets: $served"
check "no failed request (socket errors ${errors:-?}, non-2xx ${non2xx:-?})" test "${errors:-1}" -eq 0 -a "${non2xx:-1}" -eq 0
check "load ran: ${requests:-0} requests on new connections" test "${requests:-0}" -gt $((DURATION * 50))
check "certificate reloaded about once per swap (${ok_reloads%.*} of $swaps)" test "${ok_reloads%.*}" -ge $((swaps * 3 / 4))
check "no failed reload (${bad_reloads%.*})" test "${bad_reloads%.*}" -eq 0
check "new handshakes get the last certificate (localhost-v$last)" grep -q "localhost-v$last" <<<"$served"
check "server still running" smw_alive
smw_stop
check "server exits 0 on SIGTERM ($SMW_STATUS)" test "$SMW_STATUS" -eq 0
finish
