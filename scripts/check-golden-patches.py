#!/usr/bin/env python3
"""Applies every golden JSON Patch of the review fixtures with an independent RFC 6902
implementation (python-jsonpatch) and checks the result.

For each Fixtures/reviews/<scenario>/mutate/<case>.response.json that carries a patch:
  1. patchType must be JSONPatch and the patch valid base64 of a JSON array;
  2. python-jsonpatch applies it to request.object of <case>.request.json (every parent
     exists or is created first; no existing map is replaced);
  3. the patched object, sent back through the webhook (`replay --expect-unchanged`), must
     get no patch: the webhook agrees with another implementation about what it produced.
Exit status 0 when every check passes, 1 otherwise.

Usage: scripts/check-golden-patches.py [--binary PATH] [FIXTURES_DIR]
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonpatch


def main() -> int:
    args = sys.argv[1:]
    binary = ".build/debug/serverless-mesh-webhook"
    if args[:1] == ["--binary"]:
        binary, args = args[1], args[2:]
    root = args[0] if args else "Tests/PolicyTests/Fixtures/reviews"
    failures, applied = [], 0
    work = tempfile.mkdtemp(prefix="golden-patches-")
    try:
        for scenario in sorted(os.listdir(root)):
            directory = os.path.join(root, scenario, "mutate")
            if not os.path.isdir(directory):
                continue
            out_dir = os.path.join(work, scenario, "mutate")
            os.makedirs(out_dir, exist_ok=True)
            config = os.path.join(root, scenario, "config.yaml")
            if os.path.exists(config):
                shutil.copy(config, os.path.join(work, scenario, "config.yaml"))
            for name in sorted(os.listdir(directory)):
                if not name.endswith(".response.json"):
                    continue
                case = name[: -len(".response.json")]
                with open(os.path.join(directory, name)) as f:
                    response = json.load(f)["response"]
                if "patch" not in response:
                    if "patchType" in response:
                        failures.append(f"{scenario}/{case}: patchType without patch")
                    continue
                if response.get("patchType") != "JSONPatch":
                    failures.append(f"{scenario}/{case}: patchType is {response.get('patchType')!r}")
                    continue
                try:
                    operations = json.loads(base64.b64decode(response["patch"], validate=True))
                except Exception as error:  # noqa: BLE001 - report any decoding problem
                    failures.append(f"{scenario}/{case}: patch is not base64 JSON: {error}")
                    continue
                with open(os.path.join(directory, case + ".request.json")) as f:
                    review = json.load(f)
                try:
                    patched = jsonpatch.JsonPatch(operations).apply(review["request"]["object"])
                except Exception as error:  # noqa: BLE001
                    failures.append(f"{scenario}/{case}: python-jsonpatch cannot apply the patch: {error}")
                    continue
                for operation in operations:
                    if operation["op"] == "replace" and isinstance(operation.get("value"), dict):
                        failures.append(f"{scenario}/{case}: replaces a map at {operation['path']}")
                applied += 1
                review["request"]["object"] = patched
                with open(os.path.join(out_dir, case + ".request.json"), "w") as f:
                    json.dump(review, f)
        if applied:
            result = subprocess.run([binary, "replay", "--quiet", "--expect-unchanged", work], capture_output=True, text=True)
            if result.returncode != 0:
                failures.append("replaying the patched objects still patched:\n" + result.stdout + result.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print("FAIL", failure)
    print(f"golden patches: {applied} applied with python-jsonpatch, {len(failures)} failed")
    return 1 if failures or applied == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
