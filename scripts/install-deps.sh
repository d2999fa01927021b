#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need (skips what is already there).
# Needs root or sudo; on a machine that has them all it does nothing.
set -euo pipefail
packages=(libssl-dev libnghttp2-dev pkg-config openssl curl nghttp2-client ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
