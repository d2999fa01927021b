#!/usr/bin/env python3
"""Deploy tests (issue 4): the Helm chart rendered with a real helm binary, the certs/ scripts,
the static release binary and the Containerfile. Run by scripts/deploy-test.sh, which provides
helm and the binary:

    python3 tests/deploy/test_deploy.py --helm .tools/helm/helm --binary PATH [-k SUBSTRING]

Prints one line per test and ends with `deploy tests: N passed, M failed`; exit 1 on a failure.
"""
import argparse
import base64
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHART = os.path.join(ROOT, "charts", "serverless-mesh-webhook")
RELEASE = "smw"
NAMESPACE = "webhook-system"
FULLNAME = "smw-serverless-mesh-webhook"
EXCLUDE_LABEL = "serverless-mesh-webhook.io/exclude"

ARGS = None
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def eq(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------------------------------------
# Rendering helpers


def scenario_files():
    d = os.path.join(CHART, "ci")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith("-values.yaml"))


def scenario_name(path):
    return os.path.basename(path)[: -len("-values.yaml")]


_render_cache = {}


def helm_template(values_files=(), sets=(), kube_version=None, expect_failure=False):
    cmd = [ARGS.helm, "template", RELEASE, CHART, "--namespace", NAMESPACE]
    for f in values_files:
        cmd += ["-f", f]
    for s in sets:
        cmd += ["--set", s]
    if kube_version:
        cmd += ["--kube-version", kube_version]
    key = tuple(cmd)
    if key not in _render_cache:
        _render_cache[key] = run(cmd)
    r = _render_cache[key]
    if expect_failure:
        check(r.returncode != 0, f"helm template {' '.join(cmd[5:])} succeeded; expected a refusal")
        return r.stderr
    check(r.returncode == 0, f"helm template failed: {r.stderr.strip()}")
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def deep_merge(base, over):
    out = copy.deepcopy(base)
    for k, v in (over or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def chart_values():
    with open(os.path.join(CHART, "values.yaml")) as f:
        return yaml.safe_load(f)


def scenario_values(path):
    with open(path) as f:
        return deep_merge(chart_values(), yaml.safe_load(f) or {})


def by_kind(docs, kind):
    return [d for d in docs if d.get("kind") == kind]


def one(docs, kind):
    found = by_kind(docs, kind)
    eq(len(found), 1, f"number of {kind} objects")
    return found[0]


def webhooks(docs):
    """(configuration kind, webhook) for every webhook entry."""
    out = []
    for kind in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"):
        for cfg in by_kind(docs, kind):
            for w in cfg["webhooks"]:
                out.append((kind, w))
    return out


def registrations(docs):
    """Set of (path, group, version, resource, operations, scope) over all webhooks."""
    regs = set()
    for _, w in webhooks(docs):
        path = w["clientConfig"]["service"]["path"]
        for rule in w["rules"]:
            for g in rule["apiGroups"]:
                for v in rule["apiVersions"]:
                    for r in rule["resources"]:
                        regs.add((path, g, v, r, tuple(sorted(rule["operations"])), rule.get("scope")))
    return regs


CU = ("CREATE", "UPDATE")


def expected_registrations(values):
    p = values["policy"]
    regs = {("/mutate", "serving.knative.dev", "v1", "services", CU, "Namespaced")}
    if values["webhooks"]["mutate"]["secrets"]["enabled"] and (p["secrets"].get("types") is None or p["secrets"]["types"]):
        regs.add(("/mutate", "", "v1", "secrets", CU, "Namespaced"))
    if p["namespaces"].get("labelServingSystem"):
        regs.add(("/mutate", "", "v1", "namespaces", CU, "Cluster"))
    for g, v, r in [
        ("maistra.io", "v1", "servicemeshmemberrolls"),
        ("maistra.io", "v2", "servicemeshcontrolplanes"),
        ("networking.istio.io", "v1alpha3", "gateways"),
        ("networking.istio.io", "v1beta1", "gateways"),
        ("networking.istio.io", "v1", "gateways"),
        ("operator.knative.dev", "v1beta1", "knativeservings"),
        ("operator.knative.dev", "v1alpha1", "knativeservings"),
        ("serving.knative.dev", "v1", "services"),
        ("", "v1", "services"),
        ("networking.k8s.io", "v1", "networkpolicies"),
    ]:
        regs.add(("/validate", g, v, r, CU, "Namespaced"))
    if p["namespaces"].get("warnCostAppLabel", True) is not False:
        regs.add(("/validate", "", "v1", "namespaces", CU, "Cluster"))
    return regs


# Which values entry sets each webhook's failurePolicy / timeoutSeconds.
WEBHOOK_SETTINGS = {
    "knative-services.mutate.serverless-mesh-webhook.io": ("mutate", "knativeServices"),
    "secrets.mutate.serverless-mesh-webhook.io": ("mutate", "secrets"),
    "namespaces.mutate.serverless-mesh-webhook.io": ("mutate", "namespaces"),
    "mesh.validate.serverless-mesh-webhook.io": ("validate", "mesh"),
    "knative-services.validate.serverless-mesh-webhook.io": ("validate", "knativeServices"),
    "services.validate.serverless-mesh-webhook.io": ("validate", "services"),
    "namespaces.validate.serverless-mesh-webhook.io": ("validate", "namespaces"),
}


def per_scenario(fn):
    """Registers fn(scenario_path) as one test per ci/*-values.yaml scenario."""
    for path in scenario_files():
        def t(path=path):
            fn(path)
        t.__name__ = f"{fn.__name__}[{scenario_name(path)}]"
        TESTS.append(t)
    return fn


# ---------------------------------------------------------------------------------------------
# Chart: lint, render, webhooks


@test
def test_ci_scenarios_cover_issue_4():
    names = {scenario_name(p) for p in scenario_files()}
    for needed in ("default", "service-ca", "cert-manager", "secret", "kourier", "ha"):
        check(needed in names, f"no ci/{needed}-values.yaml")


@per_scenario
def test_helm_lint_strict(path):
    r = run([ARGS.helm, "lint", "--strict", CHART, "-f", path, "--namespace", NAMESPACE])
    check(r.returncode == 0, f"helm lint failed:\n{r.stdout}{r.stderr}")


@per_scenario
def test_every_webhook_calls_the_chart_service_on_443(path):
    docs = helm_template([path])
    svc = one(docs, "Service")
    eq(svc["metadata"]["name"], FULLNAME, "Service name")
    ports = {p["name"]: p for p in svc["spec"]["ports"]}
    eq(ports["https"]["port"], 443, "Service https port")
    eq(ports["https"]["targetPort"], "https", "Service https targetPort")
    deploy = one(docs, "Deployment")
    selector = deploy["spec"]["selector"]["matchLabels"]
    eq({k: v for k, v in deploy["spec"]["template"]["metadata"]["labels"].items() if k in selector}, selector, "pod labels match the Deployment selector")
    eq(svc["spec"]["selector"], selector, "Service selector")
    values = scenario_values(path)
    cports = {p["name"]: p["containerPort"] for p in deploy["spec"]["template"]["spec"]["containers"][0]["ports"]}
    eq(cports["https"], values["server"]["port"], "container https port")
    eq(ports["metrics"]["port"], values["server"]["metricsPort"], "Service metrics port")
    hooks = webhooks(docs)
    check(hooks, "no webhooks rendered")
    for kind, w in hooks:
        s = w["clientConfig"]["service"]
        eq((s["name"], s["namespace"], s["port"]), (FULLNAME, NAMESPACE, 443), f"{w['name']} service")
        eq(s["path"], "/mutate" if kind.startswith("Mutating") else "/validate", f"{w['name']} path")
        check("url" not in w["clientConfig"], f"{w['name']} has a url")


@per_scenario
def test_registered_kinds_are_exactly_what_policy_md_handles(path):
    values = scenario_values(path)
    got = registrations(helm_template([path]))
    want = expected_registrations(values)
    check(got == want, f"registrations differ:\n  missing {sorted(want - got)}\n  extra {sorted(got - want)}")


@per_scenario
def test_webhook_protocol_settings(path):
    values = scenario_values(path)
    docs = helm_template([path])
    names = [w["name"] for _, w in webhooks(docs)]
    eq(len(names), len(set(names)), "webhook names are unique")
    for kind, w in webhooks(docs):
        n = w["name"]
        check(n in WEBHOOK_SETTINGS, f"unexpected webhook {n}")
        eq(w["sideEffects"], "None", f"{n} sideEffects")
        eq(w["admissionReviewVersions"], ["v1", "v1beta1"], f"{n} admissionReviewVersions")
        eq(w["matchPolicy"], "Equivalent", f"{n} matchPolicy")
        section, key = WEBHOOK_SETTINGS[n]
        eq(kind.startswith("Mutating"), section == "mutate", f"{n} is in the right configuration")
        settings = values["webhooks"][section][key]
        eq(w["failurePolicy"], settings["failurePolicy"], f"{n} failurePolicy")
        eq(w["timeoutSeconds"], settings["timeoutSeconds"], f"{n} timeoutSeconds")
        if kind.startswith("Mutating"):
            eq(w.get("reinvocationPolicy"), "IfNeeded", f"{n} reinvocationPolicy")
        else:
            check("reinvocationPolicy" not in w, f"{n}: reinvocationPolicy on a validating webhook")


@test
def test_default_failure_policies_and_timeouts():
    got = {w["name"]: (w["failurePolicy"], w["timeoutSeconds"]) for _, w in webhooks(helm_template())}
    eq(got["knative-services.mutate.serverless-mesh-webhook.io"], ("Fail", 5), "Knative Service mutation")
    eq(got["mesh.validate.serverless-mesh-webhook.io"], ("Fail", 5), "mesh validation")
    eq(got["secrets.mutate.serverless-mesh-webhook.io"], ("Ignore", 3), "Secret labelling")


@per_scenario
def test_exclusions_on_every_webhook(path):
    values = scenario_values(path)
    docs = helm_template([path])
    excluded = {"kube-system", NAMESPACE, *values["webhooks"]["excludeNamespaces"]}
    for _, w in webhooks(docs):
        n = w["name"]
        exprs = w["namespaceSelector"]["matchExpressions"]
        notin = [e for e in exprs if e["key"] == "kubernetes.io/metadata.name" and e["operator"] == "NotIn"]
        eq(len(notin), 1, f"{n}: one NotIn on kubernetes.io/metadata.name")
        eq(set(notin[0]["values"]), excluded, f"{n}: excluded namespaces")
        obj = w["objectSelector"]["matchExpressions"]
        check({"key": EXCLUDE_LABEL, "operator": "NotIn", "values": ["true"]} in obj, f"{n}: no opt-out label in objectSelector")
        conds = {c["name"]: c["expression"] for c in w.get("matchConditions", [])}
        check("exclude-openshift-namespaces" in conds, f"{n}: no openshift-* matchCondition")
        expr = conds["exclude-openshift-namespaces"]
        check("request.namespace.startsWith('openshift-')" in expr and "object.metadata.name.startsWith('openshift-')" in expr, f"{n}: openshift-* condition {expr!r}")


@test
def test_secret_webhook_limited_to_configured_namespaces_and_types():
    hooks = {w["name"]: w for _, w in webhooks(helm_template(sets=["policy.secrets.namespaces={apps,knative-serving}", "policy.secrets.types={kubernetes.io/tls,Opaque}"]))}
    w = hooks["secrets.mutate.serverless-mesh-webhook.io"]
    ins = [e for e in w["namespaceSelector"]["matchExpressions"] if e["operator"] == "In"]
    eq(ins, [{"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["apps", "knative-serving"]}], "Secret namespaceSelector In")
    conds = {c["name"]: c["expression"] for c in w["matchConditions"]}
    eq(conds.get("secret-type"), "has(object.type) && object.type in ['kubernetes.io/tls','Opaque']", "Secret type matchCondition")
    # Other webhooks are not limited to the secret namespaces.
    for name, other in hooks.items():
        if name not in ("secrets.mutate.serverless-mesh-webhook.io", "services.validate.serverless-mesh-webhook.io"):
            check(not any(e["operator"] == "In" for e in other["namespaceSelector"]["matchExpressions"]), f"{name} limited by namespace")
    # Default: every namespace (no In), TLS secrets only.
    w = {w["name"]: w for _, w in webhooks(helm_template())}["secrets.mutate.serverless-mesh-webhook.io"]
    check(not any(e["operator"] == "In" for e in w["namespaceSelector"]["matchExpressions"]), "default Secret webhook limited by namespace")
    eq({c["name"]: c["expression"] for c in w["matchConditions"]}["secret-type"], "has(object.type) && object.type in ['kubernetes.io/tls']", "default Secret type condition")


@test
def test_secret_webhook_can_be_turned_off():
    names = {w["name"] for _, w in webhooks(helm_template(sets=["webhooks.mutate.secrets.enabled=false"]))}
    check("secrets.mutate.serverless-mesh-webhook.io" not in names, "Secret webhook still registered")
    names = {w["name"] for _, w in webhooks(helm_template(sets=["policy.secrets.types=null"]))}
    check("secrets.mutate.serverless-mesh-webhook.io" in names, "policy.secrets.types null (the default [kubernetes.io/tls]) dropped the Secret webhook")


@test
def test_match_conditions_only_where_supported():
    for kube in ("1.27.0", "1.25.3"):
        for _, w in webhooks(helm_template(kube_version=kube)):
            check("matchConditions" not in w, f"{w['name']} has matchConditions on Kubernetes {kube}")
    for _, w in webhooks(helm_template(kube_version="1.28.0")):
        check("matchConditions" in w, f"{w['name']} has no matchConditions on Kubernetes 1.28")
    for _, w in webhooks(helm_template(sets=["webhooks.matchConditions=false"])):
        check("matchConditions" not in w, f"{w['name']} has matchConditions with webhooks.matchConditions=false")


@test
def test_namespace_webhooks_follow_the_policy():
    hooks = {w["name"]: w for _, w in webhooks(helm_template(sets=["policy.namespaces.labelServingSystem=true", "policy.servingNamespace=serving", "policy.servingIngressNamespace=serving-ingress"]))}
    w = hooks["namespaces.mutate.serverless-mesh-webhook.io"]
    check({"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["serving", "serving-ingress"]} in w["objectSelector"]["matchExpressions"], "Namespace mutation not limited to the serving namespaces")
    check("namespaces.validate.serverless-mesh-webhook.io" in hooks, "Namespace validation missing")
    hooks = {w["name"] for _, w in webhooks(helm_template(sets=["policy.namespaces.warnCostAppLabel=false"]))}
    check("namespaces.validate.serverless-mesh-webhook.io" not in hooks, "Namespace validation registered with warnCostAppLabel=false")
    check("namespaces.mutate.serverless-mesh-webhook.io" not in hooks, "Namespace mutation registered without labelServingSystem")


@test
def test_service_validation_limited_to_the_mesh_namespace():
    hooks = {w["name"]: w for _, w in webhooks(helm_template(sets=["policy.meshNamespace=mesh-cp"]))}
    w = hooks["services.validate.serverless-mesh-webhook.io"]
    check({"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["mesh-cp"]} in w["namespaceSelector"]["matchExpressions"], "v1 Service validation not limited to policy.meshNamespace")


# ---------------------------------------------------------------------------------------------
# Chart: certificates


def annotations(obj):
    return obj["metadata"].get("annotations") or {}


def tls_volume_secret(docs):
    vols = {v["name"]: v for v in one(docs, "Deployment")["spec"]["template"]["spec"]["volumes"]}
    return vols["tls"]["secret"]["secretName"]


@per_scenario
def test_certificate_provider_wiring(path):
    values = scenario_values(path)
    provider = values["certificates"]["provider"]
    docs = helm_template([path])
    secret_name = values["certificates"]["secretName"] or f"{FULLNAME}-tls"
    eq(tls_volume_secret(docs), secret_name, "mounted TLS Secret")
    svc = one(docs, "Service")
    configs = by_kind(docs, "MutatingWebhookConfiguration") + by_kind(docs, "ValidatingWebhookConfiguration")
    eq(len(configs), 2, "webhook configurations")
    certs = by_kind(docs, "Certificate")
    issuers = by_kind(docs, "Issuer")
    if provider == "service-ca":
        eq(annotations(svc).get("service.beta.openshift.io/serving-cert-secret-name"), secret_name, "service-ca Service annotation")
        for c in configs:
            eq(annotations(c).get("service.beta.openshift.io/inject-cabundle"), "true", f"{c['kind']} inject-cabundle")
        check(not certs and not issuers, "cert-manager objects with service-ca")
    else:
        check("service.beta.openshift.io/serving-cert-secret-name" not in annotations(svc), "service-ca annotation without service-ca")
        for c in configs:
            check("service.beta.openshift.io/inject-cabundle" not in annotations(c), "inject-cabundle without service-ca")
    if provider == "cert-manager":
        serving = [c for c in certs if not c["spec"].get("isCA")]
        eq(len(serving), 1, "serving Certificates")
        cert = serving[0]
        eq(cert["spec"]["secretName"], secret_name, "Certificate secretName")
        svc_name = svc["metadata"]["name"]
        eq(cert["spec"]["dnsNames"], [svc_name, f"{svc_name}.{NAMESPACE}", f"{svc_name}.{NAMESPACE}.svc", f"{svc_name}.{NAMESPACE}.svc.cluster.local"], "Certificate dnsNames")
        for c in configs:
            eq(annotations(c).get("cert-manager.io/inject-ca-from"), f"{NAMESPACE}/{cert['metadata']['name']}", f"{c['kind']} inject-ca-from")
        ref = values["certificates"]["certManager"]["issuerRef"]
        if ref:
            check(not issuers, "chart-made Issuers despite issuerRef")
            eq(cert["spec"]["issuerRef"]["name"], ref["name"], "issuerRef name")
            eq(cert["spec"]["issuerRef"]["kind"], ref.get("kind", "Issuer"), "issuerRef kind")
        else:
            names = {i["metadata"]["name"]: i["spec"] for i in issuers}
            eq(set(names), {f"{FULLNAME}-selfsigned", f"{FULLNAME}-ca"}, "chart-made Issuers")
            eq(names[f"{FULLNAME}-ca"], {"ca": {"secretName": f"{FULLNAME}-ca"}}, "CA Issuer")
            ca = [c for c in certs if c["spec"].get("isCA")]
            eq(len(ca), 1, "CA Certificates")
            eq(ca[0]["spec"]["issuerRef"]["name"], f"{FULLNAME}-selfsigned", "CA issued by the self-signed Issuer")
            eq(cert["spec"]["issuerRef"]["name"], f"{FULLNAME}-ca", "serving certificate issued by the CA Issuer")
    else:
        check(not certs and not issuers, f"cert-manager objects with {provider}")
        for c in configs:
            check("cert-manager.io/inject-ca-from" not in annotations(c), "inject-ca-from without cert-manager")
    for _, w in webhooks(docs):
        if provider == "secret":
            eq(w["clientConfig"].get("caBundle"), values["certificates"]["caBundle"], f"{w['name']} caBundle")
        else:
            check("caBundle" not in w["clientConfig"], f"{w['name']}: caBundle with {provider}")


@test
def test_secret_provider_with_generate_sh_values_file():
    out = tempfile.mkdtemp(prefix="deploy-test-certs-")
    try:
        r = run([os.path.join(ROOT, "certs", "generate.sh"), "--out", out, "--service", "smw-hook", "--namespace", NAMESPACE, "--values-file", os.path.join(out, "values.yaml")])
        check(r.returncode == 0, f"generate.sh: {r.stderr}")
        with open(os.path.join(out, "values.yaml")) as f:
            snippet = yaml.safe_load(f)
        with open(os.path.join(out, "ca-bundle.b64")) as f:
            bundle = f.read().strip()
        eq(snippet["certificates"], {"provider": "secret", "secretName": "smw-hook-tls", "caBundle": bundle}, "values snippet")
        docs = helm_template([os.path.join(out, "values.yaml")])
        svc = one(docs, "Service")
        eq(svc["metadata"]["name"], "smw-hook", "Service named as the certificate's SANs")
        eq(tls_volume_secret(docs), "smw-hook-tls", "mounted Secret = generate.sh's secret.yaml")
        with open(os.path.join(out, "secret.yaml")) as f:
            eq(yaml.safe_load(f)["metadata"]["name"], "smw-hook-tls", "secret.yaml name")
        for _, w in webhooks(docs):
            eq(w["clientConfig"]["caBundle"], bundle, f"{w['name']} caBundle")
            eq(w["clientConfig"]["service"]["name"], "smw-hook", f"{w['name']} service")
        sans = cert_sans(os.path.join(out, "tls.crt"))
        check(f"DNS:smw-hook.{NAMESPACE}.svc" in sans, f"certificate SANs {sans} lack the Service DNS name")
        # --print-values prints the same snippet on stdout, alone.
        r = run([os.path.join(ROOT, "certs", "generate.sh"), "--out", out, "--force", "--print-values"])
        check(r.returncode == 0 and yaml.safe_load(r.stdout)["certificates"]["provider"] == "secret", f"--print-values: {r.stdout!r}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Chart: the policy ConfigMap, accepted by the binary


KSVC_MANIFEST = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: apps
spec:
  template:
    metadata:
      annotations:
        sidecar.istio.io/inject: "false"
    spec:
      containers:
        - image: registry.example.com/hello:1
"""


def prune_nulls(d):
    return {k: prune_nulls(v) if isinstance(v, dict) else v for k, v in d.items() if v is not None}


@per_scenario
def test_rendered_policy_is_the_values_and_the_binary_accepts_it(path):
    values = scenario_values(path)
    docs = helm_template([path])
    cm = one(docs, "ConfigMap")
    text = cm["data"]["policy.yaml"]
    eq(yaml.safe_load(text), prune_nulls(values["policy"]), "rendered policy.yaml")
    tmp = tempfile.mkdtemp(prefix="deploy-test-policy-")
    try:
        with open(os.path.join(tmp, "policy.yaml"), "w") as f:
            f.write(text)
        with open(os.path.join(tmp, "ksvc.yaml"), "w") as f:
            f.write(KSVC_MANIFEST)
        r = run([ARGS.binary, "check", "--config", os.path.join(tmp, "policy.yaml"), os.path.join(tmp, "ksvc.yaml")])
        check(r.returncode in (0, 1), f"check exited {r.returncode}: {r.stderr.strip()}")
        # The sidecar "false" is denied unless the policy warns, or Kourier mode.
        mesh_deny = values["policy"]["integration"] == "mesh-ingress" and values["policy"]["enforcement"] == "deny"
        eq(r.returncode, 1 if mesh_deny else 0, "check exit status on a Knative Service with sidecar injection off")
        if values["policy"]["integration"] == "mesh-ingress":
            check("KSVC-SIDECAR-REQUIRED" in r.stdout, f"check output lacks the rule ID: {r.stdout}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@test
def test_binary_rejects_a_policy_with_an_unknown_key():
    # The other half of the round trip: the binary would refuse what the schema refuses.
    tmp = tempfile.mkdtemp(prefix="deploy-test-policy-")
    try:
        with open(os.path.join(tmp, "policy.yaml"), "w") as f:
            f.write("knativeService:\n  gpu:\n    maxPerServce: 2\n")
        with open(os.path.join(tmp, "ksvc.yaml"), "w") as f:
            f.write(KSVC_MANIFEST)
        r = run([ARGS.binary, "check", "--config", os.path.join(tmp, "policy.yaml"), os.path.join(tmp, "ksvc.yaml")])
        eq(r.returncode, 2, "check exit status with an unknown policy key")
        err = helm_template(sets=["policy.knativeService.gpu.maxPerServce=2"], expect_failure=True)
        check("maxPerServce" in err, f"schema refusal does not name the key: {err}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def key_paths(d, prefix=""):
    out = set()
    for k, v in d.items():
        p = f"{prefix}{k}"
        out.add(p)
        if isinstance(v, dict) and k not in ("selector",):
            out |= key_paths(v, p + ".")
    return out


@test
def test_values_policy_mirrors_config_policy_yaml():
    with open(os.path.join(ROOT, "config", "policy.yaml")) as f:
        config = yaml.safe_load(f)
    policy = chart_values()["policy"]
    config_keys = key_paths(config) | {"knativeService.passthrough"}  # commented out there: default depends on integration
    eq(sorted(key_paths(policy)), sorted(config_keys), "policy keys")
    eq(prune_nulls(policy), config, "policy defaults = config/policy.yaml")
    with open(os.path.join(ROOT, "config", "policy.yaml")) as f:
        check("# passthrough:" in f.read(), "config/policy.yaml no longer leaves passthrough unset")


@test
def test_schema_rule_ids_match_the_rule_catalog():
    with open(os.path.join(ROOT, "Sources", "Policy", "Configuration", "RuleCatalog.swift")) as f:
        ids = set(re.findall(r'^\s*"([A-Z][A-Z0-9-]+)",\s*$', f.read(), re.M))
    eq(len(ids), 27, "rule IDs in RuleCatalog.swift")
    with open(os.path.join(CHART, "values.schema.json")) as f:
        schema = json.load(f)
    rules = schema["properties"]["policy"]["properties"]["rules"]["properties"]
    for key in ("disabled", "warnOnly"):
        eq(set(rules[key]["items"]["enum"]), ids, f"schema policy.rules.{key} enum")


# ---------------------------------------------------------------------------------------------
# Chart: workload objects


def container(docs):
    return one(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]


def parse_args(args):
    out = {}
    for a in args[1:]:
        if "=" in a:
            k, v = a.split("=", 1)
            out[k] = v
        else:
            out[a] = True
    return out


@per_scenario
def test_deployment_is_restricted_v2_admissible(path):
    values = scenario_values(path)
    docs = helm_template([path])
    pod = one(docs, "Deployment")["spec"]["template"]["spec"]
    jobs = [j["spec"]["template"]["spec"] for j in by_kind(docs, "Job")]
    for spec in [pod] + jobs:
        psc = spec["securityContext"]
        eq(psc.get("runAsNonRoot"), True, "pod runAsNonRoot")
        eq(psc.get("seccompProfile"), {"type": "RuntimeDefault"}, "pod seccompProfile")
        eq(psc.get("runAsUser"), values["securityContext"]["runAsUser"], "pod runAsUser (a value; unset on OpenShift)")
        check("fsGroup" not in psc, "fsGroup set")
        check(not spec.get("hostNetwork") and not spec.get("hostPID") and not spec.get("hostIPC"), "host namespaces")
        for c in spec["containers"]:
            sc = c["securityContext"]
            eq(sc.get("allowPrivilegeEscalation"), False, f"{c['name']} allowPrivilegeEscalation")
            eq(sc.get("readOnlyRootFilesystem"), True, f"{c['name']} readOnlyRootFilesystem")
            eq(sc.get("runAsNonRoot"), True, f"{c['name']} runAsNonRoot")
            eq(sc.get("capabilities"), {"drop": ["ALL"]}, f"{c['name']} capabilities")
            eq(sc.get("seccompProfile"), {"type": "RuntimeDefault"}, f"{c['name']} seccompProfile")
            check("privileged" not in sc or sc["privileged"] is False, "privileged")
            check("runAsUser" not in sc, f"{c['name']}: fixed runAsUser on the container")
        for v in spec.get("volumes", []):
            check("hostPath" not in v, "hostPath volume")
    check("runAsUser" not in one(helm_template(), "Deployment")["spec"]["template"]["spec"]["securityContext"], "default chart fixes a runAsUser (OpenShift assigns it)")


@per_scenario
def test_deployment_shape(path):
    values = scenario_values(path)
    docs = helm_template([path])
    d = one(docs, "Deployment")
    spec = d["spec"]
    if values["autoscaling"]["enabled"]:
        check("replicas" not in spec, "replicas set although the HPA owns them")
    else:
        eq(spec["replicas"], values["replicaCount"], "replicas")
    eq(spec["strategy"], {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}, "strategy")
    pod = spec["template"]["spec"]
    c = container(docs)
    eq(c["readinessProbe"]["httpGet"]["path"], "/readyz", "readiness path")
    eq(c["livenessProbe"]["httpGet"]["path"], "/livez", "liveness path")
    eq(c["readinessProbe"]["httpGet"]["port"], "https", "readiness on the TLS port")
    eq(c["readinessProbe"]["httpGet"]["scheme"], "HTTPS", "readiness scheme")
    server = values["server"]
    grace = pod["terminationGracePeriodSeconds"]
    check(grace > server["shutdownDelay"] + server["shutdownTimeout"], f"terminationGracePeriodSeconds {grace} <= delay + timeout")
    if values["terminationGracePeriodSeconds"] is not None:
        eq(grace, values["terminationGracePeriodSeconds"], "terminationGracePeriodSeconds")
    eq(pod.get("priorityClassName", ""), values["priorityClassName"], "priorityClassName")
    eq(pod["automountServiceAccountToken"], False, "no API token mounted")
    anti = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    eq(anti[0]["podAffinityTerm"]["topologyKey"], "kubernetes.io/hostname", "preferred anti-affinity")
    eq(pod["topologySpreadConstraints"][0]["topologyKey"], "topology.kubernetes.io/zone", "zone spread")
    eq(c.get("resources"), values["resources"], "resources")
    # Args wired from values.
    a = parse_args(c["args"])
    eq(c["args"][0], "serve", "subcommand")
    eq(a["--listen"], f"{server['listenAddress']}:{server['port']}", "--listen")
    eq(a["--metrics-listen"], f"0.0.0.0:{server['metricsPort']}", "--metrics-listen")
    eq(a["--shutdown-delay"], str(server["shutdownDelay"]), "--shutdown-delay")
    eq(a["--shutdown-timeout"], str(server["shutdownTimeout"]), "--shutdown-timeout")
    eq(a["--max-body-bytes"], str(server["maxBodyBytes"]), "--max-body-bytes (no float formatting)")
    eq(a["--max-connections"], str(server["maxConnections"]), "--max-connections")
    eq(a["--idle-timeout"], str(server["idleTimeout"]), "--idle-timeout")
    eq(a["--log-level"], server["logLevel"], "--log-level")
    eq(a["--tls-min-version"], server["tlsMinVersion"], "--tls-min-version")
    check(a.get("--http2" if server["http2"] else "--no-http2"), "http2 flag")
    eq(a.get("--threads"), str(server["threads"]) if server["threads"] else None, "--threads")
    # The Secret and the ConfigMap are mounted as directories (no subPath), so reloads see updates.
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    for m in c["volumeMounts"]:
        check("subPath" not in m and "subPathExpr" not in m, f"{m['name']} mounted with subPath: updates would never reach the pod")
        eq(m.get("readOnly"), True, f"{m['name']} readOnly")
    vols = {v["name"]: v for v in pod["volumes"]}
    def mounted(flag, kind):
        d, f = os.path.split(a[flag])
        check(d in mounts, f"{flag} {a[flag]} is not under a mount")
        vol = vols[mounts[d]["name"]]
        check(kind in vol, f"{flag} not from a {kind}")
        return vol[kind], f
    secret, f = mounted("--tls-cert", "secret")
    eq(f, "tls.crt", "--tls-cert file")
    eq(mounted("--tls-key", "secret")[1], "tls.key", "--tls-key file")
    cm, f = mounted("--config", "configMap")
    eq(cm["name"], one(docs, "ConfigMap")["metadata"]["name"], "policy ConfigMap mounted")
    check(f in one(docs, "ConfigMap")["data"], "--config names a ConfigMap key")
    check("items" not in cm and "items" not in secret, "volume items remap the keys")


@per_scenario
def test_pdb_networkpolicy_servicemonitor_hpa(path):
    values = scenario_values(path)
    docs = helm_template([path])
    selector = one(docs, "Deployment")["spec"]["selector"]["matchLabels"]
    pdb = one(docs, "PodDisruptionBudget")
    eq(pdb["spec"], {"minAvailable": 1, "selector": {"matchLabels": selector}}, "PodDisruptionBudget")
    np = one(docs, "NetworkPolicy")
    eq(np["spec"]["podSelector"], {"matchLabels": selector}, "NetworkPolicy podSelector")
    eq(np["spec"]["policyTypes"], ["Ingress"], "NetworkPolicy policyTypes")
    ports = {p["port"]: rule for rule in np["spec"]["ingress"] for p in rule["ports"]}
    eq(set(ports), {values["server"]["port"], values["server"]["metricsPort"]}, "NetworkPolicy ports")
    check("from" not in ports[values["server"]["port"]], "webhook port restricted by source (the API server's address is not predictable)")
    eq(ports[values["server"]["metricsPort"]].get("from", []), values["networkPolicy"]["metricsFrom"], "metrics port sources")
    sm = by_kind(docs, "ServiceMonitor")
    eq(len(sm), 1 if values["metrics"]["serviceMonitor"]["enabled"] else 0, "ServiceMonitors")
    if sm:
        eq(sm[0]["spec"]["endpoints"][0]["port"], "metrics", "ServiceMonitor port")
        svc_labels = one(docs, "Service")["metadata"]["labels"]
        check(all(svc_labels.get(k) == v for k, v in sm[0]["spec"]["selector"]["matchLabels"].items()), "ServiceMonitor does not select the Service")
    hpa = by_kind(docs, "HorizontalPodAutoscaler")
    eq(len(hpa), 1 if values["autoscaling"]["enabled"] else 0, "HorizontalPodAutoscalers")
    if hpa:
        s = hpa[0]["spec"]
        eq((s["minReplicas"], s["maxReplicas"]), (values["autoscaling"]["minReplicas"], values["autoscaling"]["maxReplicas"]), "HPA bounds")
        eq(s["scaleTargetRef"]["name"], one(docs, "Deployment")["metadata"]["name"], "HPA target")


@test
def test_optional_objects_off_by_default_and_on_when_enabled():
    docs = helm_template()
    check(not by_kind(docs, "ServiceMonitor") and not by_kind(docs, "HorizontalPodAutoscaler"), "ServiceMonitor or HPA rendered by default")
    docs = helm_template(sets=["metrics.serviceMonitor.enabled=true", "autoscaling.enabled=true"])
    check(by_kind(docs, "ServiceMonitor") and by_kind(docs, "HorizontalPodAutoscaler"), "ServiceMonitor or HPA missing when enabled")
    docs = helm_template(sets=["podDisruptionBudget.enabled=false", "networkPolicy.enabled=false", "replicaCount=1"])
    check(not by_kind(docs, "PodDisruptionBudget") and not by_kind(docs, "NetworkPolicy"), "PDB or NetworkPolicy rendered when disabled")


@per_scenario
def test_pre_delete_hook_removes_exactly_the_two_configurations(path):
    values = scenario_values(path)
    docs = helm_template([path])
    mwc = one(docs, "MutatingWebhookConfiguration")["metadata"]["name"]
    vwc = one(docs, "ValidatingWebhookConfiguration")["metadata"]["name"]
    job = one(docs, "Job")
    hook = lambda o: annotations(o).get("helm.sh/hook")
    weight = lambda o: int(annotations(o).get("helm.sh/hook-weight", "0"))
    eq(hook(job), "pre-delete", "Job hook")
    c = job["spec"]["template"]["spec"]["containers"][0]
    img = values["cleanup"]["image"]
    eq(c["image"], f"{img['repository']}:{img['tag']}", "kubectl image from values")
    eq(c["command"], ["kubectl"], "command")
    check(c["args"][0] == "delete" and f"mutatingwebhookconfiguration/{mwc}" in c["args"] and f"validatingwebhookconfiguration/{vwc}" in c["args"], f"Job args {c['args']}")
    check("--ignore-not-found" in c["args"], "an uninstall after a manual bypass must not fail")
    sa_name = job["spec"]["template"]["spec"]["serviceAccountName"]
    sa = [s for s in by_kind(docs, "ServiceAccount") if s["metadata"]["name"] == sa_name]
    eq(len(sa), 1, "cleanup ServiceAccount")
    role = one(docs, "ClusterRole")
    binding = one(docs, "ClusterRoleBinding")
    eq(binding["roleRef"]["name"], role["metadata"]["name"], "binding roleRef")
    eq(binding["subjects"], [{"kind": "ServiceAccount", "name": sa_name, "namespace": NAMESPACE}], "binding subjects")
    eq(len(role["rules"]), 1, "ClusterRole rules")
    rule = role["rules"][0]
    eq(rule["apiGroups"], ["admissionregistration.k8s.io"], "rule apiGroups")
    eq(sorted(rule["resources"]), ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"], "rule resources")
    eq(sorted(set(rule["resourceNames"])), sorted({mwc, vwc}), "rule resourceNames")
    eq(sorted(rule["verbs"]), ["delete", "get"], "rule verbs")
    for o in (sa[0], role, binding):
        eq(hook(o), "pre-delete", f"{o['kind']} hook")
        check(weight(o) < weight(job), f"{o['kind']} created after the Job")
    # Nothing else is a hook: the Deployment stays until the hook has run.
    hooks = [o for o in docs if hook(o)]
    eq(len(hooks), 4, "hook objects")
    docs = helm_template([path], sets=["cleanup.enabled=false"])
    check(not by_kind(docs, "Job") and not by_kind(docs, "ClusterRole"), "cleanup objects with cleanup.enabled=false")


@test
def test_notes_say_how_to_check_it_works():
    r = run([ARGS.helm, "install", RELEASE, CHART, "--namespace", NAMESPACE, "--dry-run=client"])
    check(r.returncode == 0, r.stderr)
    notes = r.stdout.split("NOTES:", 1)[1]
    for needle in (f"kubectl get mutatingwebhookconfiguration,validatingwebhookconfiguration {FULLNAME}", "--dry-run=server", "/metrics", f"kubectl delete mutatingwebhookconfiguration {FULLNAME}", "helm upgrade"):
        check(needle in notes, f"NOTES lack {needle!r}")


# ---------------------------------------------------------------------------------------------
# Chart: values documentation and refusals


def schema_leaves(schema, values, prefix=""):
    """Dotted paths of the values the chart defines (schema objects with properties are walked)."""
    out = []
    for k, v in values.items():
        node = schema["properties"][k]
        p = f"{prefix}{k}"
        if isinstance(v, dict) and node.get("properties") and k != "issuerRef":
            out += schema_leaves(node, v, p + ".")
        else:
            out.append(p)
    return out


@test
def test_schema_rejects_unknown_keys_everywhere():
    with open(os.path.join(CHART, "values.schema.json")) as f:
        schema = json.load(f)
    def walk(node, path):
        if node.get("properties") is not None:
            eq(node.get("additionalProperties"), False, f"additionalProperties at {path or '/'}")
            for k, v in node["properties"].items():
                walk(v, f"{path}.{k}")
    walk(schema, "")
    values = chart_values()
    eq(sorted(schema["properties"]), sorted(set(values) | {"global"}), "schema top-level keys = values.yaml keys")


@test
def test_every_value_is_documented_in_values_yaml_and_the_chart_readme():
    with open(os.path.join(CHART, "values.schema.json")) as f:
        schema = json.load(f)
    leaves = schema_leaves(schema, chart_values())
    with open(os.path.join(CHART, "values.yaml")) as f:
        lines = f.read().split("\n")
    # Find each leaf's line and require a comment right above it (or above the comment block).
    stack = []
    documented = set()
    for i, line in enumerate(lines):
        m = re.match(r"^( *)([A-Za-z][A-Za-z0-9]*):", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        stack = stack[:depth] + [m.group(2)]
        path = ".".join(stack)
        j = i - 1
        if j >= 0 and lines[j].strip().startswith("#"):
            documented.add(path)
    missing = [p for p in leaves if p not in documented]
    eq(missing, [], "values without a comment in values.yaml")
    with open(os.path.join(CHART, "README.md")) as f:
        readme = f.read()
    missing = [p for p in leaves if f"`{p}`" not in readme]
    eq(missing, [], "values missing from the chart README")


BAD_VALUES = [
    ("unknown top-level key", ["replicas=3"], "replicas"),
    ("unknown nested key", ["server.listen=0.0.0.0:8443"], "listen"),
    ("unknown policy key", ["policy.secrets.namespace={a}"], "namespace"),
    ("wrong type", ["replicaCount=two"], "replicaCount"),
    ("wrong type in policy", ["policy.controlPlane.requireMTLS=yes"], "requireMTLS"),
    ("secret provider without caBundle", ["certificates.provider=secret"], "caBundle"),
    ("caBundle not base64 PEM", ["certificates.provider=secret", "certificates.caBundle=bm90IGEgY2VydGlmaWNhdGU="], "caBundle"),
    ("caBundle with another provider", ["certificates.caBundle=bm90IGEgY2VydGlmaWNhdGU="], "caBundle"),
    ("unknown provider", ["certificates.provider=vault"], "provider"),
    ("failurePolicy not Fail/Ignore", ["webhooks.mutate.secrets.failurePolicy=fail"], "failurePolicy"),
    ("failurePolicy not Fail/Ignore (validate)", ["webhooks.validate.mesh.failurePolicy=Warn"], "failurePolicy"),
    ("timeoutSeconds 0", ["webhooks.mutate.knativeServices.timeoutSeconds=0"], "timeoutSeconds"),
    ("timeoutSeconds 31", ["webhooks.validate.mesh.timeoutSeconds=31"], "timeoutSeconds"),
    ("timeoutSeconds a string", ["webhooks.validate.services.timeoutSeconds=five"], "timeoutSeconds"),
    ("grace period not above delay + timeout", ["terminationGracePeriodSeconds=30"], "terminationGracePeriodSeconds"),
    ("one replica with the PDB", ["replicaCount=1"], "replicaCount"),
    ("HPA min above max", ["autoscaling.enabled=true", "autoscaling.minReplicas=6", "autoscaling.maxReplicas=3"], "minReplicas"),
    ("unknown rule ID", ["policy.rules.disabled={KSVC-GPUS}"], "disabled"),
    ("enforcement not deny/warn", ["policy.enforcement=audit"], "enforcement"),
    ("minVersion without v", ["policy.controlPlane.minVersion=2.0"], "minVersion"),
    ("port out of range", ["policy.controlPlane.metricsExcludedPorts={0}"], "metricsExcludedPorts"),
    ("issuerRef without name", ["certificates.provider=cert-manager", "certificates.certManager.issuerRef.kind=ClusterIssuer"], "issuerRef"),
    ("same port twice", ["server.metricsPort=8443"], "metricsPort"),
]


def bad_values_test(label, sets, needle):
    def t():
        err = helm_template(sets=sets, expect_failure=True)
        check(needle in err, f"refusal does not name {needle!r}: {err.strip()}")
    t.__name__ = f"test_bad_values_refused[{label}]"
    return t


for _label, _sets, _needle in BAD_VALUES:
    TESTS.append(bad_values_test(_label, _sets, _needle))


# ---------------------------------------------------------------------------------------------
# certs/


def cert_sans(path):
    r = run(["openssl", "x509", "-in", path, "-noout", "-ext", "subjectAltName"])
    check(r.returncode == 0, r.stderr)
    return [s.strip() for s in r.stdout.split("\n", 1)[1].split(",")] if "\n" in r.stdout else []


def key_description(path):
    r = run(["openssl", "pkey", "-in", path, "-noout", "-text"])
    check(r.returncode == 0, r.stderr)
    return r.stdout


def verify(ca, cert):
    r = run(["openssl", "verify", "-CAfile", ca, cert])
    eq((r.returncode, r.stdout.strip()), (0, f"{cert}: OK"), "openssl verify")


class Server:
    """The real binary serving a certificate pair on ephemeral loopback ports."""

    def __init__(self, cert, key, config=None, extra=()):
        self.tmp = tempfile.mkdtemp(prefix="deploy-test-serve-")
        self.log_path = os.path.join(self.tmp, "log")
        self.log = open(self.log_path, "wb")
        cmd = [ARGS.binary, "serve", "--tls-cert", cert, "--tls-key", key, "--listen", "127.0.0.1:0",
               "--metrics-listen", "127.0.0.1:0", "--shutdown-delay", "0", "--shutdown-timeout", "2", "--threads", "1"]
        if config:
            cmd += ["--config", config]
        self.proc = subprocess.Popen(cmd + list(extra), stdout=self.log, stderr=subprocess.STDOUT)
        self.port = self.metrics_port = None
        deadline = time.time() + 15
        while time.time() < deadline:
            with open(self.log_path, "rb") as f:
                data = f.read()
            for raw in data.split(b"\n")[:-1]:  # complete lines only
                try:
                    line = json.loads(raw.decode("utf-8", "replace"))
                except ValueError:
                    raise Failure(f"log line is not JSON: {raw!r}")
                if "tls_ports" in line:  # the "listening" line
                    self.port = json.loads(line["tls_ports"])[0]
                    self.metrics_port = int(line.get("metrics_port", 0)) or None
                    return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        with open(self.log_path, "rb") as f:
            output = f.read().decode("utf-8", "replace")
        self.stop()
        raise Failure(f"server did not start (exit {self.proc.returncode}): {output}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def curl_https(host, port, ca, path="/readyz"):
    r = run(["curl", "-sS", "--max-time", "10", "--cacert", ca, "--resolve", f"{host}:{port}:127.0.0.1", f"https://{host}:{port}{path}"])
    return r.returncode, r.stdout.strip(), r.stderr.strip()


def with_tmp(fn):
    def t():
        tmp = tempfile.mkdtemp(prefix="deploy-test-")
        try:
            fn(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    t.__name__ = fn.__name__
    TESTS.append(t)
    return fn


GENERATE = os.path.join(ROOT, "certs", "generate.sh")
WILDCARD = os.path.join(ROOT, "certs", "wildcard.sh")


@with_tmp
def test_generate_sh_makes_a_verifiable_ecdsa_pair_with_the_service_sans(tmp):
    out = os.path.join(tmp, "c")
    r = run([GENERATE, "--out", out, "--service", "hook", "--namespace", "sys"])
    check(r.returncode == 0, r.stderr)
    for f in ("ca.crt", "ca.key", "tls.crt", "tls.key", "secret.yaml", "ca-bundle.b64"):
        check(os.path.isfile(os.path.join(out, f)), f"no {f}")
    verify(os.path.join(out, "ca.crt"), os.path.join(out, "tls.crt"))
    eq(cert_sans(os.path.join(out, "tls.crt")), ["DNS:hook", "DNS:hook.sys", "DNS:hook.sys.svc", "DNS:hook.sys.svc.cluster.local"], "SANs")
    desc = key_description(os.path.join(out, "tls.key"))
    check("prime256v1" in desc or "P-256" in desc, "tls.key is not ECDSA P-256")
    eq(oct(os.stat(os.path.join(out, "tls.key")).st_mode & 0o777), "0o600", "tls.key mode")
    with open(os.path.join(out, "secret.yaml")) as f:
        secret = yaml.safe_load(f)
    eq((secret["apiVersion"], secret["kind"], secret["type"]), ("v1", "Secret", "kubernetes.io/tls"), "Secret manifest")
    eq((secret["metadata"]["name"], secret["metadata"]["namespace"]), ("hook-tls", "sys"), "Secret name/namespace")
    for key, f in (("tls.crt", "tls.crt"), ("tls.key", "tls.key"), ("ca.crt", "ca.crt")):
        with open(os.path.join(out, f), "rb") as fh:
            eq(base64.b64decode(secret["data"][key]), fh.read(), f"Secret data {key}")
    with open(os.path.join(out, "ca-bundle.b64")) as f, open(os.path.join(out, "ca.crt"), "rb") as ca:
        eq(base64.b64decode(f.read()), ca.read(), "ca-bundle.b64")


@with_tmp
def test_generate_sh_rsa_flag(tmp):
    out = os.path.join(tmp, "c")
    r = run([GENERATE, "--out", out, "--rsa"])
    check(r.returncode == 0, r.stderr)
    verify(os.path.join(out, "ca.crt"), os.path.join(out, "tls.crt"))
    check("Private-Key: (2048 bit" in key_description(os.path.join(out, "tls.key")), "tls.key is not RSA-2048")


@with_tmp
def test_generate_sh_refuses_to_overwrite_keys(tmp):
    out = os.path.join(tmp, "c")
    check(run([GENERATE, "--out", out]).returncode == 0, "first run")
    with open(os.path.join(out, "tls.key")) as f:
        before = f.read()
    r = run([GENERATE, "--out", out])
    eq(r.returncode, 1, "second run exit status")
    check("refusing to overwrite" in r.stderr, r.stderr)
    with open(os.path.join(out, "tls.key")) as f:
        eq(f.read(), before, "tls.key after a refused run")
    eq(run([GENERATE, "--out", out, "--force"]).returncode, 0, "--force exit status")
    with open(os.path.join(out, "tls.key")) as f:
        check(f.read() != before, "--force did not make a new key")


@with_tmp
def test_binary_serves_the_generate_sh_pair(tmp):
    out = os.path.join(tmp, "c")
    check(run([GENERATE, "--out", out, "--service", "hook", "--namespace", "sys"]).returncode == 0, "generate.sh")
    with Server(os.path.join(out, "tls.crt"), os.path.join(out, "tls.key")) as s:
        for host in ("hook.sys.svc", "hook.sys.svc.cluster.local"):
            rc, body, err = curl_https(host, s.port, os.path.join(out, "ca.crt"))
            eq((rc, body), (0, "ok"), f"GET https://{host}/readyz ({err})")
        rc, _, err = curl_https("elsewhere.example.com", s.port, os.path.join(out, "ca.crt"))
        check(rc != 0, "a name outside the SANs was accepted")
        r = run(["curl", "-sS", "--max-time", "5", f"http://127.0.0.1:{s.metrics_port}/readyz"])
        eq(r.stdout.strip(), "ok", "metrics port /readyz")


@with_tmp
def test_wildcard_sh_makes_the_doc_1_2_secret_right(tmp):
    out = os.path.join(tmp, "w")
    r = run([WILDCARD, "--domain", "openshift.example.com", "--out", out])
    check(r.returncode == 0, r.stderr)
    verify(os.path.join(out, "root.crt"), os.path.join(out, "wildcard.crt"))
    eq(cert_sans(os.path.join(out, "wildcard.crt")), ["DNS:*.apps.openshift.example.com"], "wildcard SAN")
    subj = run(["openssl", "x509", "-in", os.path.join(out, "root.crt"), "-noout", "-subject", "-ext", "basicConstraints"]).stdout
    check("CN = example.com" in subj and "CA:TRUE" in subj, f"root CA: {subj}")
    check("Private-Key: (2048 bit" in key_description(os.path.join(out, "wildcard.key")), "wildcard.key is not RSA-2048 as in the doc")
    with open(os.path.join(out, "secret.yaml")) as f:
        secret = yaml.safe_load(f)
    eq((secret["metadata"]["name"], secret["metadata"]["namespace"], secret["type"]), ("wildcard-certs", "istio-system", "kubernetes.io/tls"), "Secret")
    uid = secret["metadata"]["labels"].get("networking.internal.knative.dev/certificate-uid")
    check(isinstance(uid, str) and re.fullmatch(r"[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?", uid), f"certificate-uid label value {uid!r} is not a valid label value")
    with open(os.path.join(out, "wildcard.crt"), "rb") as f:
        eq(base64.b64decode(secret["data"]["tls.crt"]), f.read(), "Secret tls.crt")
    with open(os.path.join(out, "wildcard.key"), "rb") as f:
        eq(base64.b64decode(secret["data"]["tls.key"]), f.read(), "Secret tls.key")


@with_tmp
def test_wildcard_sh_refuses_to_overwrite_and_needs_a_domain(tmp):
    out = os.path.join(tmp, "w")
    eq(run([WILDCARD, "--out", out]).returncode, 2, "no --domain")
    check(run([WILDCARD, "--domain", "c.example.com", "--out", out]).returncode == 0, "first run")
    r = run([WILDCARD, "--domain", "c.example.com", "--out", out])
    eq(r.returncode, 1, "second run exit status")
    check("refusing to overwrite" in r.stderr, r.stderr)
    eq(run([WILDCARD, "--domain", "c.example.com", "--out", out, "--force", "--ecdsa"]).returncode, 0, "--force --ecdsa")
    verify(os.path.join(out, "root.crt"), os.path.join(out, "wildcard.crt"))


@with_tmp
def test_binary_serves_the_wildcard_pair(tmp):
    out = os.path.join(tmp, "w")
    check(run([WILDCARD, "--domain", "c.example.com", "--out", out]).returncode == 0, "wildcard.sh")
    with Server(os.path.join(out, "wildcard.crt"), os.path.join(out, "wildcard.key")) as s:
        rc, body, err = curl_https("hello-default.apps.c.example.com", s.port, os.path.join(out, "root.crt"))
        eq((rc, body), (0, "ok"), f"GET https://hello-default.apps.c.example.com/readyz ({err})")


@per_scenario
def test_binary_starts_with_the_rendered_args_and_policy(path):
    """The Deployment's args and the ConfigMap's policy, as the pod would run them (ports and
    mount paths moved to this machine)."""
    docs = helm_template([path])
    c = container(docs)
    tmp = tempfile.mkdtemp(prefix="deploy-test-pod-")
    try:
        certs = os.path.join(tmp, "tls")
        check(run([GENERATE, "--out", certs, "--service", FULLNAME, "--namespace", NAMESPACE]).returncode == 0, "generate.sh")
        policy = os.path.join(tmp, "policy")
        os.makedirs(policy)
        with open(os.path.join(policy, "policy.yaml"), "w") as f:
            f.write(one(docs, "ConfigMap")["data"]["policy.yaml"])
        args = []
        for a in c["args"][1:]:
            if a.startswith("--listen=") or a.startswith("--metrics-listen="):
                continue
            if a.startswith("--shutdown-delay="):
                a = "--shutdown-delay=0"
            args.append(a.replace("/etc/serverless-mesh-webhook/tls", certs).replace("/etc/serverless-mesh-webhook/policy", policy))
        # Server() supplies --listen/--metrics-listen on 127.0.0.1:0 and its own cert flags first;
        # the rendered ones (same files) come later and win.
        with Server(os.path.join(certs, "tls.crt"), os.path.join(certs, "tls.key"), extra=args) as s:
            rc, body, err = curl_https(f"{FULLNAME}.{NAMESPACE}.svc", s.port, os.path.join(certs, "ca.crt"))
            eq((rc, body), (0, "ok"), f"readyz ({err})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# The static binary and the image recipe


@test
def test_static_binary_version_matches_the_chart():
    r = run([ARGS.binary, "version"])
    eq(r.returncode, 0, "version exit status")
    first = r.stdout.split("\n")[0].split()
    with open(os.path.join(CHART, "Chart.yaml")) as f:
        app = yaml.safe_load(f)["appVersion"]
    eq(first, ["serverless-mesh-webhook", app], "version line = Chart appVersion")


@test
def test_static_binary_replays_the_fixtures():
    r = run([ARGS.binary, "replay", "--quiet", os.path.join(ROOT, "Tests", "PolicyTests", "Fixtures", "reviews")])
    check(r.returncode == 0, f"replay exit {r.returncode}: {r.stdout[-2000:]}{r.stderr[-2000:]}")
    check(re.search(r"ok: \d+ reviews", r.stdout), f"replay output {r.stdout!r}")


ALLOWED_LIBS = re.compile(r"^(linux-vdso|linux-gate|ld-linux[-\w.]*|libc|libm|libdl|libpthread|librt|libutil|libgcc_s|libstdc\+\+|libz|libssl|libcrypto|libnghttp2)\.so")


@test
def test_static_binary_needs_no_swift_runtime():
    r = run(["ldd", ARGS.binary])
    eq(r.returncode, 0, f"ldd: {r.stderr}")
    libs = [line.split()[0].split("/")[-1] for line in r.stdout.strip().split("\n") if line.strip()]
    bad = [l for l in libs if not ALLOWED_LIBS.match(l)]
    eq(bad, [], "libraries beyond libc, libssl, libcrypto, libnghttp2 and the usual system ones")
    for needed in ("libssl.so.3", "libnghttp2.so.14"):
        check(needed in libs, f"{needed} not linked (the runtime image ships it)")


@test
def test_containerfile_recipe():
    with open(os.path.join(ROOT, "Containerfile")) as f:
        text = f.read()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    eq(len(stages), 2, "stages")
    check(re.match(r"(docker\.io/(library/)?)?swift:6\.\d", stages[0][0]), f"build stage image {stages[0][0]}")
    check(re.match(r"(docker\.io/(library/)?)?debian:12-slim", stages[1][0]), f"runtime image {stages[1][0]}")
    build, runtime = re.split(r"^FROM\s", text, flags=re.M)[1:]
    for pkg in ("libssl-dev", "libnghttp2-dev", "pkg-config"):
        check(pkg in build, f"build stage does not install {pkg}")
    check(re.search(r"swift build[^\n]*-c release[^\n]*--static-swift-stdlib", build.replace("\\\n", " ")), "no static release build")
    installs = re.findall(r"apt-get install[^\n&]*", runtime.replace("\\\n", " "))
    eq(len(installs), 1, "apt-get install lines in the runtime stage")
    pkgs = {w for w in installs[0].split() if not w.startswith("-") and w not in ("apt-get", "install")}
    eq(pkgs, {"libssl3", "libnghttp2-14", "ca-certificates"}, "runtime packages")
    user = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    check(user and re.fullmatch(r"\d+(:\d+)?", user[-1]) and not user[-1].startswith("0"), f"USER {user} is not a numeric non-root UID")
    check(re.search(r"^EXPOSE\s+8443\s+9090\s*$", runtime, re.M), "EXPOSE 8443 9090")
    check(re.search(r'^ENTRYPOINT\s+\["/usr/local/bin/serverless-mesh-webhook"\]', runtime, re.M), "ENTRYPOINT the binary")
    with open(os.path.join(ROOT, "scripts", "build-static.sh")) as f:
        check("--static-swift-stdlib" in f.read(), "build-static.sh builds something else than the image")
    ignore = os.path.join(ROOT, ".containerignore")
    check(os.path.isfile(ignore), "no .containerignore")
    with open(ignore) as f:
        entries = f.read().split()
    for e in (".build", ".tools", "*.key"):
        check(e in entries, f".containerignore lacks {e}")


# ---------------------------------------------------------------------------------------------


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--helm", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", default="", help="run only tests whose name contains this")
    ARGS = ap.parse_args()
    ARGS.helm = os.path.abspath(ARGS.helm)
    ARGS.binary = os.path.abspath(ARGS.binary)
    passed = failed = 0
    for t in TESTS:
        if ARGS.k not in t.__name__:
            continue
        try:
            t()
            passed += 1
            print(f"ok    {t.__name__}", flush=True)
        except Failure as e:
            failed += 1
            print(f"FAIL  {t.__name__}: {e}", flush=True)
        except Exception:
            failed += 1
            print(f"ERROR {t.__name__}:\n{traceback.format_exc()}", flush=True)
    print(f"deploy tests: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
