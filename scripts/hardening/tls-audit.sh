#!/usr/bin/env bash
# TLS audit (issue 5): testssl.sh against the TLS port, with the ECDSA P-256 certificate of
# certs/generate.sh and then with an RSA-2048 one (--smoke: ECDSA only, protocols, cipher
# lists, every cipher and the vulnerability checks, without client simulations and HTTP
# headers). tls_audit.py judges testssl's JSON.
# Asserts: SSLv2, SSLv3, TLS 1.0, TLS 1.1 not offered; TLS 1.2 and 1.3 offered; no NULL, aNULL,
# EXPORT, LOW, 3DES/IDEA or "average" cipher, and every offered cipher is ECDHE with AES-GCM or
# ChaCha20-Poly1305 (or a TLS 1.3 AEAD); none of testssl's 16 vulnerability checks flags
# anything; no finding of severity MEDIUM or above concerns the server (the accepted ones,
# about the test certificate and browser headers, are printed with the reason).
# Usage: scripts/hardening/tls-audit.sh [--smoke]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checks.sh"
need_debs testssl.sh python3

KEYS=(ecdsa rsa); [ "$SMOKE" = 1 ] && KEYS=(ecdsa)
SCOPE=(); [ "$SMOKE" = 1 ] && SCOPE=(--protocols --std --each-cipher --vulnerabilities)
smw_build release

for key in "${KEYS[@]}"; do
  if [ "$key" = rsa ]; then
    "$ROOT/certs/generate.sh" --out "$WORK/certs" --force --rsa --extra-san DNS:localhost --extra-san IP:127.0.0.1 >/dev/null
  fi
  smw_start
  note "$key certificate: testssl.sh ${SCOPE[*]:-(full run)} against 127.0.0.1:$SMW_PORT"
  started=$SECONDS
  testssl --quiet --color 0 --warnings off --add-ca "$WORK/certs/ca.crt" --ip 127.0.0.1 \
    --jsonfile "$WORK/testssl-$key.json" "${SCOPE[@]}" "https://localhost:$SMW_PORT/livez" >"$WORK/testssl-$key.txt" 2>&1 || true
  note "$key: testssl.sh took $((SECONDS - started)) s"
  [ -s "$WORK/testssl-$key.json" ] || { tail -20 "$WORK/testssl-$key.txt"; fail "testssl.sh wrote no JSON"; }
  while IFS= read -r line; do
    case "$line" in
      PASS\ *) check "$key: ${line#PASS }" true ;;
      FAIL\ *) check "$key: ${line#FAIL }" false ;;
      *) note "$key: $line" ;;
    esac
  done < <(python3 "$ROOT/scripts/hardening/tls_audit.py" "$WORK/testssl-$key.json" --vulnerabilities)
  check "$key: server still running after the audit" smw_alive
  smw_stop
done
finish
