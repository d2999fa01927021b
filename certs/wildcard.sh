#!/usr/bin/env bash
# The OpenShift Serverless doc §1.2 flow for the ingress gateway certificate, made right: a root
# CA for example.com, a wildcard certificate for *.apps.<cluster domain> signed by it, and the
# Secret wildcard-certs in istio-system that the knative-ingress-gateway names.
#
# Usage: certs/wildcard.sh --domain CLUSTER_DOMAIN [--out DIR] [--ca-domain example.com]
#                          [--org "Example Inc."] [--namespace istio-system]
#                          [--secret-name wildcard-certs] [--ecdsa] [--days N] [--force]
# Writes DIR/root.crt, DIR/root.key, DIR/wildcard.crt, DIR/wildcard.key and DIR/secret.yaml.
# Differences from the doc's commands: the wildcard carries a subjectAltName (clients reject
# CN-only certificates), the root is a real CA (basicConstraints, keyUsage), serials are random
# (the doc's -set_serial 0 repeats serials), and the Secret carries the label
# networking.internal.knative.dev/certificate-uid that secret filtering (doc §1.6) requires.
# RSA-2048 as in the doc; --ecdsa for P-256. Refuses to overwrite existing keys unless --force.
set -euo pipefail

out=certs/wildcard-out
domain=""
ca_domain=example.com
org="Example Inc."
namespace=istio-system
secret_name=wildcard-certs
key_type=rsa
days=365
force=no

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --ca-domain) ca_domain=$2; shift 2 ;;
    --org) org=$2; shift 2 ;;
    --namespace) namespace=$2; shift 2 ;;
    --secret-name) secret_name=$2; shift 2 ;;
    --ecdsa) key_type=ecdsa; shift ;;
    --days) days=$2; shift 2 ;;
    --force) force=yes; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "wildcard.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -z "$domain" ]; then
  echo "wildcard.sh: --domain is required (the cluster domain, e.g. openshift.example.com for *.apps.openshift.example.com)" >&2
  exit 2
fi
if [[ ! "$domain" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ ]]; then
  echo "wildcard.sh: --domain $domain is not a DNS name" >&2
  exit 2
fi
if [ "$force" != yes ]; then
  for f in root.key wildcard.key; do
    if [ -e "$out/$f" ]; then
      echo "wildcard.sh: $out/$f exists; refusing to overwrite (use --force)" >&2
      exit 1
    fi
  done
fi
mkdir -p "$out"
umask 077
ext=$(mktemp)
trap 'rm -f "$ext"' EXIT

newkey() { # newkey FILE
  if [ "$key_type" = rsa ]; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
  else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  fi
}

# Root CA for example.com (doc: openssl req -x509 ... -subj '/O=Example Inc./CN=example.com').
newkey "$out/root.key"
openssl req -x509 -new -key "$out/root.key" -sha256 -days "$days" \
  -subj "/O=$org/CN=$ca_domain" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/root.crt"

# Wildcard for *.apps.<domain>, signed by the root, with the name in subjectAltName.
wildcard="*.apps.$domain"
newkey "$out/wildcard.key"
openssl req -new -key "$out/wildcard.key" -subj "/CN=$wildcard/O=$org" -out "$out/wildcard.csr"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:%s\n' "$wildcard" > "$ext"
openssl x509 -req -in "$out/wildcard.csr" -CA "$out/root.crt" -CAkey "$out/root.key" -CAcreateserial \
  -sha256 -days "$days" -extfile "$ext" -out "$out/wildcard.crt" 2>/dev/null
rm -f "$out/wildcard.csr" "$out/root.srl"
chmod 644 "$out/root.crt" "$out/wildcard.crt"

# The doc's `oc create -n istio-system secret tls wildcard-certs --key=... --cert=...`, as a
# manifest, labelled for secret filtering (doc §1.6: Knative only tests that the label exists;
# the value here is the certificate's SHA-256 fingerprint, cut to a label's 63 characters).
uid=$(openssl x509 -in "$out/wildcard.crt" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f' | cut -c1-63)
cat > "$out/secret.yaml" <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: $secret_name
  namespace: $namespace
  labels:
    networking.internal.knative.dev/certificate-uid: "$uid"
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 < "$out/wildcard.crt")
  tls.key: $(base64 -w0 < "$out/wildcard.key")
YAML
chmod 600 "$out/secret.yaml"
echo "wrote $out/{root.crt,root.key,wildcard.crt,wildcard.key,secret.yaml} (SAN: DNS:$wildcard; apply with: oc apply -f $out/secret.yaml)"
