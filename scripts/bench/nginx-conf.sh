#!/usr/bin/env bash
# Prints the nginx configuration the benchmarks compare the webhook with: the same certificate
# and cipher suites, a fixed 600-byte answer to any POST after reading the body.
# `mirror_request_body on` makes nginx read the whole body before the content phase; the
# mirror subrequest itself is an internal 204. (`return 200` alone would not read the body and
# resets h2 streams; the static-file 405 trick stalls h2 uploads.)
#
# Usage: scripts/bench/nginx-conf.sh WORKDIR PORT WORKERS [single]
#   WORKDIR holds certs/tls.crt, certs/tls.key and receives the pid, log and body files;
#   "single" runs one process in the foreground (no master, no daemon: for valgrind).
set -euo pipefail
work=$1 nginx_port=$2 threads=$3
answer=$(head -c 600 /dev/zero | tr '\0' 'x')
[ "${4:-}" = single ] && printf 'master_process off;\ndaemon off;\n'
cat <<NGINX
worker_processes $threads;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_max_body_size 8m;
  client_body_buffer_size 2m;
  client_body_temp_path $work/body;
  server {
    listen 127.0.0.1:$nginx_port ssl http2;
    ssl_certificate $work/certs/tls.crt;
    ssl_certificate_key $work/certs/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    # The webhook's suites and order (TLSContext), so both servers negotiate the same suite
    # with every load tool (nginx follows the client's order by default).
    ssl_prefer_server_ciphers on;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256;
    ssl_conf_command Options PrioritizeChaCha;
    location / {
      mirror /_mirror;
      mirror_request_body on;
      default_type application/json;
      return 200 "$answer";
    }
    location = /_mirror { internal; return 204; }
  }
}
NGINX
