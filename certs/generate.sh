#!/usr/bin/env bash
# Makes a CA and a serving certificate for the webhook Service (or for local development).
#
# Usage: certs/generate.sh [--out DIR] [--service NAME] [--namespace NS] [--rsa] [--days N]
#                          [--extra-san DNS:name|IP:addr]... [--client NAME] [--force]
#                          [--values-file FILE] [--print-values]
# Writes DIR/ca.crt, DIR/ca.key, DIR/tls.crt, DIR/tls.key, DIR/secret.yaml (a kubernetes.io/tls
# Secret) and DIR/ca-bundle.b64 (the caBundle for the webhook configurations). With --client,
# also DIR/client.crt and DIR/client.key: a client certificate (CN=NAME) for `serve --client-ca`.
# --values-file FILE writes (--print-values prints) Helm values for the chart's `secret`
# provider: fullnameOverride (the Service name the SANs name), secretName and caBundle.
# Refuses to overwrite existing keys unless --force is given.
set -euo pipefail

out=certs/out
service=serverless-mesh-webhook
namespace=serverless-mesh-webhook
key_type=ecdsa
days=365
force=no
extra_sans=()
client=""
values_file=""
print_values=no

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --service) service=$2; shift 2 ;;
    --namespace) namespace=$2; shift 2 ;;
    --rsa) key_type=rsa; shift ;;
    --days) days=$2; shift 2 ;;
    --extra-san) extra_sans+=("$2"); shift 2 ;;
    --client) client=$2; shift 2 ;;
    --force) force=yes; shift ;;
    --values-file) values_file=$2; shift 2 ;;
    --print-values) print_values=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "generate.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [ "$force" != yes ]; then
  for f in ca.key tls.key ${client:+client.key}; do
    if [ -e "$out/$f" ]; then
      echo "generate.sh: $out/$f exists; refusing to overwrite (use --force)" >&2
      exit 1
    fi
  done
fi
mkdir -p "$out"
umask 077

newkey() { # newkey FILE
  if [ "$key_type" = rsa ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  fi
}

sans="DNS:$service,DNS:$service.$namespace,DNS:$service.$namespace.svc,DNS:$service.$namespace.svc.cluster.local"
for san in "${extra_sans[@]+"${extra_sans[@]}"}"; do sans="$sans,$san"; done

newkey "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" \
  -subj "/CN=$service-ca" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/ca.crt"

newkey "$out/tls.key"
openssl req -new -key "$out/tls.key" -subj "/CN=$service.$namespace.svc" -out "$out/tls.csr"
ext=$(mktemp)
trap 'rm -f "$ext"' EXIT
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$sans" > "$ext"
openssl x509 -req -in "$out/tls.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
  -sha256 -days "$days" -extfile "$ext" -out "$out/tls.crt" 2>/dev/null
rm -f "$out/tls.csr" "$out/ca.srl"
chmod 644 "$out/ca.crt" "$out/tls.crt"

if [ -n "$client" ]; then
  newkey "$out/client.key"
  openssl req -new -key "$out/client.key" -subj "/CN=$client" -out "$out/client.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' > "$ext"
  openssl x509 -req -in "$out/client.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -sha256 -days "$days" -extfile "$ext" -out "$out/client.crt" 2>/dev/null
  rm -f "$out/client.csr" "$out/ca.srl"
  chmod 644 "$out/client.crt"
fi

base64 -w0 < "$out/ca.crt" > "$out/ca-bundle.b64"
cat > "$out/secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: $service-tls
  namespace: $namespace
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 < "$out/tls.crt")
  tls.key: $(base64 -w0 < "$out/tls.key")
  ca.crt: $(base64 -w0 < "$out/ca.crt")
YAML

values_snippet() {
  cat <<YAML
# Helm values for charts/serverless-mesh-webhook with the certificate made by certs/generate.sh.
# Create the Secret first: kubectl apply -f $out/secret.yaml
# Install into namespace $namespace: the certificate names the Service $service.$namespace.svc.
fullnameOverride: $service
certificates:
  provider: secret
  secretName: $service-tls
  caBundle: $(cat "$out/ca-bundle.b64")
YAML
}
if [ -n "$values_file" ]; then
  values_snippet > "$values_file"
  chmod 644 "$values_file"
fi
summary="wrote $out/{ca.crt,ca.key,tls.crt,tls.key,secret.yaml,ca-bundle.b64}${values_file:+ and $values_file} (SANs: $sans)"
if [ "$print_values" = yes ]; then
  echo "$summary" >&2   # stdout is the values snippet alone
  values_snippet
else
  echo "$summary"
fi
