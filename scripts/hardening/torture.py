#!/usr/bin/env python3
"""Malformed-input torture client for scripts/hardening/torture.sh (standard library only).

Builds a battery of malformed AdmissionReviews from the recorded fixtures and sends each one,
over HTTPS on keep-alive HTTP/1.1 connections to 127.0.0.1, to /mutate and /validate. Every
answer is checked:
  - HTTP 400: the body is a JSON object with a non-empty string "error";
  - HTTP 200: an AdmissionReview response in the apiVersion sent, uid echoed, `allowed` a
    boolean, a patch only on /mutate (with patchType JSONPatch, base64 of a JSON array),
    /mutate always allowed, a /validate denial with status.code 400, 403 or 422;
  - a case may demand one of the two (`expect`), and a malformed object may demand the
    protocol answer of policy.md (denied with 400 on /validate, allowed with a warning and no
    patch on /mutate);
  - anything else (another status, a reset connection, an answer after 10 s) fails.
After each batch GET /livez must answer 200. The caller checks that the process survived.

Usage: torture.py --port PORT --cacert CA --root REPO [--smoke] [--verbose]
Prints one line per failure and, last, `torture: N passed, M failed`; exit 1 on any failure.
"""
import argparse
import base64
import copy
import glob
import http.client
import json
import os
import socket
import ssl
import sys
import time

# Keys the policy reads somewhere (Sources/Policy/Rules): a node under one of these keys gets
# replaced with a value of each other JSON type.
POLICY_KEYS = {
    "metadata", "annotations", "labels", "ownerReferences", "uid", "name", "namespace", "kind", "apiVersion",
    "spec", "template", "containers", "initContainers", "resources", "limits", "requests", "nodeSelector",
    "members", "servers", "selector", "ports", "port", "number", "protocol", "targetPort", "tls", "mode",
    "credentialName", "privateKey", "serverCertificate", "caCertificates", "hosts",
    "ingress", "istio", "kourier", "enabled", "config", "observability", "deployments", "workloads",
    "security", "dataPlane", "mtls", "proxy", "networking", "trafficControl", "inbound", "excludedPorts",
    "version", "policyTypes", "from", "namespaceSelector", "matchLabels", "matchExpressions", "key",
    "operator", "values", "type",
}
# kube-apiserver gives up on a webhook after timeoutSeconds (default 10 s): a later answer is none.
ANSWER_SECONDS = 10.0
REPLACEMENTS = [("string", "x"), ("number", 7), ("array", ["x", 1]), ("null", None), ("object", {"x": 1}), ("bool", True)]


def json_type(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Case:
    """One request: a name, the body, the paths, and what the answer must be."""

    def __init__(self, name, body, paths=("mutate", "validate"), expect=None, uid=None, api_version=None,
                 malformed_object=False):
        self.name = name
        self.body = body
        self.paths = paths
        self.expect = expect  # None (400 or 200), 400 or 200
        self.uid = uid
        self.api_version = api_version
        self.malformed_object = malformed_object


def walk(value, path=()):
    """Yields (path, value) for every node under a key the policy reads."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in POLICY_KEYS:
                yield path + (key,), child
            yield from walk(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value[:2]):
            yield from walk(child, path + (index,))


def replaced(document, path, new):
    document = copy.deepcopy(document)
    node = document
    for component in path[:-1]:
        node = node[component]
    node[path[-1]] = new
    return document


def load_fixtures(root):
    reviews = []
    for file in sorted(glob.glob(os.path.join(root, "Tests/PolicyTests/Fixtures/reviews/default/*/*.request.json"))):
        with open(file, "rb") as handle:
            reviews.append((os.path.basename(file)[: -len(".request.json")], json.load(handle)))
    return reviews


def battery(root, smoke):
    reviews = load_fixtures(root)
    by_name = dict(reviews)
    base = by_name["ksvc-create-no-annotation-maps"]
    base_bytes = dumps(base)
    uid = base["request"]["uid"]
    version = base["apiVersion"]
    cases = []

    # 1. Truncated JSON at many offsets of a real 3.6 KB review: never a complete document.
    step = 97 if smoke else 7
    for offset in range(0, len(base_bytes), step):
        cases.append(Case(f"truncated-at-{offset}", base_bytes[:offset], expect=400))

    # 2. Wrong types at every path the policy reads, in every kind of recorded object: each
    #    (kind, path) once, replaced by a value of each other JSON type.
    seen = set()
    wrong = []
    for name, review in reviews:
        obj = review.get("request", {}).get("object")
        if not isinstance(obj, dict):
            continue
        kind = review["request"]["kind"].get("kind")
        for path, value in walk(obj):
            shape = (kind, tuple(c if isinstance(c, str) else 0 for c in path))
            if shape in seen:
                continue
            seen.add(shape)
            for type_name, new in REPLACEMENTS:
                if json_type(value) == type_name:
                    continue
                doc = replaced(review, ("request", "object") + path, new)
                label = ".".join(str(c) for c in path)
                wrong.append(Case(f"wrong-type {name} object.{label}={type_name}", dumps(doc),
                                  uid=review["request"]["uid"], api_version=review["apiVersion"]))
    if smoke:
        wrong = wrong[::12]
    cases += wrong

    # 3. Objects that policy.md names as malformed: denied with 400 on /validate, allowed with
    #    a warning and no patch on /mutate.
    ksvc = by_name["ksvc-create-no-annotation-maps"]
    for path, new in [(("spec", "template"), "a string"), (("spec", "template"), 42), (("spec", "template"), [1]),
                      (("spec",), "x"), (("metadata",), 7)]:
        doc = replaced(ksvc, ("request", "object") + path, new)
        cases.append(Case(f"malformed ksvc object.{'.'.join(path)}={json_type(new)}", dumps(doc), expect=200,
                          uid=uid, api_version=version, malformed_object=True))
    for object_value in ["a string", 7, [1, 2], True]:
        doc = replaced(ksvc, ("request", "object"), object_value)
        cases.append(Case(f"malformed ksvc object={json_type(object_value)}", dumps(doc), expect=200,
                          uid=uid, api_version=version, malformed_object=True))

    # 4. Envelope problems: HTTP 400 with a JSON error.
    def envelope(mutate):
        doc = copy.deepcopy(base)
        mutate(doc)
        return dumps(doc)

    envelope_cases = {
        "no request": lambda d: d.pop("request"),
        "request null": lambda d: d.__setitem__("request", None),
        "request a string": lambda d: d.__setitem__("request", "x"),
        "no uid": lambda d: d["request"].pop("uid"),
        "uid a number": lambda d: d["request"].__setitem__("uid", 12),
        "uid an object": lambda d: d["request"].__setitem__("uid", {"a": 1}),
        "uid empty": lambda d: d["request"].__setitem__("uid", ""),
        "unknown apiVersion": lambda d: d.__setitem__("apiVersion", "admission.k8s.io/v2"),
        "apiVersion a number": lambda d: d.__setitem__("apiVersion", 1),
        "no apiVersion": lambda d: d.pop("apiVersion"),
        "kind Pod": lambda d: d.__setitem__("kind", "Pod"),
        "no kind": lambda d: d.pop("kind"),
        "request.kind a string": lambda d: d["request"].__setitem__("kind", "Service"),
        "no operation": lambda d: d["request"].pop("operation"),
        "operation PATCH": lambda d: d["request"].__setitem__("operation", "PATCH"),
        "dryRun a string": lambda d: d["request"].__setitem__("dryRun", "yes"),
        "no resource": lambda d: d["request"].pop("resource"),
    }
    for label, mutate in envelope_cases.items():
        cases.append(Case(f"envelope {label}", envelope(mutate), expect=400))
    for label, body in [("empty body", b""), ("null", b"null"), ("array", b"[]"), ("number", b"1e400"),
                        ("garbage", b"\x00\xff\xfe garbage"), ("trailing garbage", base_bytes + b"}x"),
                        ("two documents", base_bytes + b" " + base_bytes), ("NaN", b'{"apiVersion":NaN}'),
                        ("comment", b"/*x*/" + base_bytes), ("single quotes", base_bytes.replace(b'"', b"'"))]:
        cases.append(Case(f"not a review: {label}", body, expect=400))

    # 5. No object (allowed, or a 400 denial on /validate): a well-formed envelope.
    cases.append(Case("no object", envelope(lambda d: d["request"].pop("object")), expect=200, uid=uid, api_version=version))
    cases.append(Case("object null", envelope(lambda d: d["request"].__setitem__("object", None)), expect=200, uid=uid,
                      api_version=version))
    cases.append(Case("oldObject a string", envelope(lambda d: d["request"].__setitem__("oldObject", "x")), expect=200,
                      uid=uid, api_version=version))

    # 6. Nesting 10,000 deep: as the whole body, inside the object, inside an annotation map.
    deep = 10_000
    cases.append(Case("nesting 10000 arrays", b"[" * deep + b"]" * deep, expect=400))
    cases.append(Case("nesting 10000 objects", b'{"a":' * deep + b"1" + b"}" * deep, expect=400))
    nested = base_bytes.replace(b'"spec":{', b'"deep":' + b"[" * deep + b"]" * deep + b',"spec":{', 1)
    cases.append(Case("nesting 10000 inside object", nested, expect=400))
    cases.append(Case("nesting 10000 unclosed", b'{"apiVersion":"admission.k8s.io/v1","request":' + b"[" * deep, expect=400))

    # 7. Big: a 5 MB string (limit 7 MiB), as an annotation value, a key, and the uid.
    big = "x" * (5 * 1024 * 1024)
    cases.append(Case("5 MB annotation value",
                      envelope(lambda d: d["request"]["object"]["metadata"].__setitem__("annotations", {"big": big})),
                      expect=200, uid=uid, api_version=version))
    cases.append(Case("5 MB annotation key",
                      envelope(lambda d: d["request"]["object"]["metadata"].__setitem__("annotations", {big: "v"})),
                      expect=200, uid=uid, api_version=version))
    cases.append(Case("5 MB uid", envelope(lambda d: d["request"].__setitem__("uid", big)), expect=200, uid=big,
                      api_version=version))
    escaped = ("\\u00e9" * (5 * 1024 * 1024 // 6)).encode()
    cases.append(Case("5 MB of escapes", base_bytes.replace(b'"name":"', b'"name":"' + escaped, 1)))

    # 8. Huge arrays: many containers, many members, many warnings-worth of annotations.
    many = 100_000 if not smoke else 20_000
    cases.append(Case(f"{many} containers", envelope(
        lambda d: d["request"]["object"]["spec"]["template"]["spec"].__setitem__(
            "containers", [{"name": f"c{i}", "image": "x", "resources": {"limits": {"cpu": "1"}}} for i in range(many)])),
        expect=200, uid=uid, api_version=version))
    # Each of these containers gets a patch operation (KSVC-GPU copies the request into limits):
    # 20,000 operations must still be answered well within the apiserver's timeout (this took
    # 16 s while patch building copied the array on every operation; see docs/reliability.md).
    gpus = 20_000
    cases.append(Case(f"{gpus} GPU containers", envelope(
        lambda d: d["request"]["object"]["spec"]["template"]["spec"].__setitem__(
            "containers", [{"name": f"c{i}", "image": "x", "resources": {"requests": {"nvidia.com/gpu": "1"}}} for i in range(gpus)])),
        expect=200, uid=uid, api_version=version))
    cases.append(Case(f"{many} null containers", envelope(
        lambda d: d["request"]["object"]["spec"]["template"]["spec"].__setitem__("containers", [None] * many)),
        expect=200, uid=uid, api_version=version))
    cases.append(Case("1,000,000 numbers", b"[" + b"1," * 999_999 + b"1]", expect=400))
    cases.append(Case(f"{many} annotations", envelope(
        lambda d: d["request"]["object"]["metadata"].__setitem__("annotations", {f"k{i}": "v" for i in range(many)})),
        expect=200, uid=uid, api_version=version))
    smmr = by_name.get("smmr-create-documented-allowed")
    if smmr is not None:
        doc = replaced(smmr, ("request", "object", "spec", "members"), [f"ns-{i}" for i in range(many)] + ["Bad_Name", "ns-1"])
        cases.append(Case(f"{many} members", dumps(doc), expect=200, uid=smmr["request"]["uid"], api_version=smmr["apiVersion"]))

    # 9. Invalid UTF-8, in a value, in a key, in the uid; overlong and surrogate encodings.
    for label, raw in [("lone continuation", b"\x80"), ("truncated sequence", b"\xe2\x82"), ("overlong slash", b"\xc0\xaf"),
                       ("surrogate", b"\xed\xa0\x80"), ("beyond U+10FFFF", b"\xf4\x90\x80\x80"), ("0xFF", b"\xff")]:
        cases.append(Case(f"invalid UTF-8 in a value: {label}",
                          base_bytes.replace(b'"name":"', b'"name":"' + raw, 1), expect=400))
        cases.append(Case(f"invalid UTF-8 in a key: {label}",
                          base_bytes.replace(b'"metadata":{', b'"metadata":{"k' + raw + b'":1,', 1), expect=400))
    cases.append(Case("invalid UTF-8 in the uid", base_bytes.replace(f'"uid":"{uid}"'.encode(), b'"uid":"\xff\xfe"', 1), expect=400))
    cases.append(Case("lone surrogate escape", base_bytes.replace(b'"name":"', b'"name":"\\ud800', 1)))
    cases.append(Case("NUL escape in annotation", envelope(
        lambda d: d["request"]["object"]["metadata"].__setitem__("annotations", {"a\u0000b": "\u0000\n\u2028"})),
        expect=200, uid=uid, api_version=version))

    # 10. Numbers: 1e400 at numeric paths, huge integers, -0, where the policy reads strings or numbers.
    for label, number in [("1e400", b"1e400"), ("-1e400", b"-1e400"), ("1e-400", b"1e-400"), ("2^70", b"1180591620717411303424"),
                          ("-0", b"-0"), ("long mantissa", b"1" * 5000)]:
        cases.append(Case(f"number {label} as generation", base_bytes.replace(b'"metadata":{', b'"metadata":{"generation":' + number + b",", 1),
                          expect=200, uid=uid, api_version=version))
        doc = base_bytes.replace(b'"name":"', b'"name":' + number + b',"x":"', 1)
        cases.append(Case(f"number {label} as name", doc))
        gpu = envelope(lambda d: d["request"]["object"]["spec"]["template"]["spec"]["containers"][0].__setitem__(
            "resources", {"limits": {"nvidia.com/gpu": "PLACEHOLDER"}}))
        cases.append(Case(f"number {label} as GPU limit", gpu.replace(b'"PLACEHOLDER"', number), expect=200, uid=uid,
                          api_version=version))
    cases.append(Case("number 1e400 as uid", base_bytes.replace(f'"uid":"{uid}"'.encode(), b'"uid":1e400', 1), expect=400))

    # 11. Duplicate keys: in the envelope, the request, the object, the annotations.
    dup_request = base_bytes.replace(b'"request":{', b'"request":{"uid":"first","kind":7,', 1)
    cases.append(Case("duplicate keys in request (uid, kind)", dup_request))
    cases.append(Case("duplicate apiVersion", base_bytes.replace(b'{"apiVersion":', b'{"apiVersion":"x","apiVersion":', 1)))
    cases.append(Case("duplicate request", base_bytes[:-1] + b',"request":null}'))
    cases.append(Case("duplicate annotations", base_bytes.replace(
        b'"metadata":{', b'"metadata":{"annotations":{"sidecar.istio.io/inject":"false"},"annotations":7,', 1)))
    cases.append(Case("duplicate spec", base_bytes.replace(b'"spec":{', b'"spec":"x","spec":{', 1)))
    cases.append(Case("1000 duplicate keys", base_bytes.replace(b'"metadata":{', b'"metadata":{' + b'"a":1,' * 1000, 1),
                      expect=200, uid=uid, api_version=version))
    return cases


class Client:
    def __init__(self, port, cacert):
        self.port = port
        self.context = ssl.create_default_context(cafile=cacert)
        self.connection = None

    def connect(self):
        self.connection = http.client.HTTPSConnection("localhost", self.port, context=self.context, timeout=30)
        self.connection.connect()  # resolves localhost; the certificate names localhost and 127.0.0.1

    def send(self, method, path, body=None):
        """Returns (status, body bytes, connection closed by the server)."""
        if self.connection is None:
            self.connect()
        headers = {"Content-Type": "application/json", "Host": "localhost"} if body is not None else {"Host": "localhost"}
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        closed = response.will_close
        if closed:
            self.connection.close()
            self.connection = None
        return response.status, data

    def reset(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = None


def check_answer(case, path, status, data):
    """Returns None if the answer is acceptable, else why not."""
    try:
        doc = json.loads(data)
    except ValueError as error:
        return f"HTTP {status} body is not JSON ({error}): {data[:120]!r}"
    if status == 400:
        if case.expect == 200:
            return f"HTTP 400 ({doc.get('error') if isinstance(doc, dict) else doc}) where a review was expected"
        if not isinstance(doc, dict) or not isinstance(doc.get("error"), str) or not doc["error"]:
            return f"HTTP 400 without a JSON error: {data[:120]!r}"
        return None
    if status != 200:
        return f"HTTP {status}: {data[:160]!r}"
    if case.expect == 400:
        return "HTTP 200 where 400 was expected"
    if not isinstance(doc, dict) or doc.get("kind") != "AdmissionReview":
        return "200 without an AdmissionReview"
    if case.api_version is not None and doc.get("apiVersion") != case.api_version:
        return f"apiVersion {doc.get('apiVersion')!r} not echoed"
    response = doc.get("response")
    if not isinstance(response, dict):
        return "no response object"
    if case.uid is not None and response.get("uid") != case.uid:
        return "uid not echoed"
    if not isinstance(response.get("uid"), str) or not response["uid"]:
        return "response.uid not a non-empty string"
    if not isinstance(response.get("allowed"), bool):
        return "response.allowed not a boolean"
    warnings = response.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        return "warnings not a list of strings"
    for warning in warnings:
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in warning):
            return f"warning with a control character: {warning!r}"
    patch = response.get("patch")
    if (patch is None) != (response.get("patchType") is None):
        return "patch and patchType not together"
    if patch is not None:
        if path == "validate":
            return "a patch on /validate"
        if response.get("patchType") != "JSONPatch":
            return "patchType not JSONPatch"
        try:
            operations = json.loads(base64.b64decode(patch, validate=True))
        except ValueError as error:
            return f"patch not base64 JSON: {error}"
        if not isinstance(operations, list) or not operations:
            return "patch not a non-empty JSON array"
    if path == "mutate" and not response["allowed"]:
        return "/mutate denied"
    if path == "validate" and not response["allowed"]:
        code = (response.get("status") or {}).get("code")
        if code not in (400, 403, 422):
            return f"denial with status code {code!r}"
    if case.malformed_object:
        if path == "validate" and (response["allowed"] or response["status"].get("code") != 400):
            return "malformed object not denied with 400 on /validate"
        if path == "mutate" and (patch is not None or not warnings):
            return "malformed object not allowed unchanged with a warning on /mutate"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cacert", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--deadline", type=float, default=110.0, help="seconds for the whole battery")
    args = parser.parse_args()

    started = time.monotonic()
    cases = battery(args.root, args.smoke)
    client = Client(args.port, args.cacert)
    passed = failed = 0
    outcomes = {}
    batch = 50

    def live(where):
        nonlocal passed, failed
        probe = Client(args.port, args.cacert)
        try:
            status, _ = probe.send("GET", "/livez")
        except (OSError, http.client.HTTPException) as error:
            status = f"no answer ({error})"
        finally:
            probe.reset()
        if status == 200:
            passed += 1
        else:
            failed += 1
            print(f"torture: FAIL /livez after {where}: {status}")

    count = 0
    for case in cases:
        for path in case.paths:
            count += 1
            if time.monotonic() - started > args.deadline:
                failed += 1
                print(f"torture: FAIL the battery ran over its {args.deadline:.0f} s bound at request {count}")
                print(f"torture: {passed} passed, {failed} failed")
                return 1
            sent = time.monotonic()
            try:
                status, data = client.send("POST", f"/{path}?timeout=10s", case.body)
                problem = check_answer(case, path, status, data)
            except (OSError, http.client.HTTPException) as error:
                client.reset()
                status, problem = "-", f"no answer: {type(error).__name__}: {error}"
            took = time.monotonic() - sent
            if problem is None and took > ANSWER_SECONDS:
                problem = f"answered in {took:.1f} s, after kube-apiserver's {ANSWER_SECONDS:.0f} s timeout"
            key = (status, path)
            outcomes[key] = outcomes.get(key, 0) + 1
            if problem is None:
                passed += 1
                if args.verbose:
                    print(f"ok   /{path} {status} {time.monotonic() - sent:6.3f}s {len(data):8d}B {case.name}")
            else:
                failed += 1
                print(f"torture: FAIL /{path} {case.name}: {problem}")
            if count % batch == 0:
                live(f"request {count}")
    live("the last request")
    client.reset()
    elapsed = time.monotonic() - started
    summary = ", ".join(f"/{p} {s}: {n}" for (s, p), n in sorted(outcomes.items(), key=lambda kv: str(kv[0])))
    print(f"torture: {count} requests in {elapsed:.1f} s ({summary})")
    print(f"torture: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
