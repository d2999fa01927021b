#!/usr/bin/env python3
"""Judges testssl.sh's JSON output (--jsonfile) for tls-audit.sh. Prints one line per
property, "PASS text" or "FAIL text", and "ACCEPTED id: reason" for each finding of
severity MEDIUM or above that does not concern the server (see ACCEPTED).

Usage: tls_audit.py TESTSSL.json [--vulnerabilities]
"""
import json
import sys

SEVERE = {"MEDIUM", "HIGH", "CRITICAL"}
# Findings about the test certificate or about browser-facing HTTP, not about this server's
# TLS: judged once and documented in docs/reliability.md.
ACCEPTED = {
    "cert_revocation": "the test certificate, issued by the throwaway CA of certs/generate.sh, names no CRL "
                       "or OCSP URI; a webhook's serving certificate is pinned by caBundle and rotated, "
                       "revocation does not apply",
    "security_headers": "browser security headers (X-Frame-Options, CSP, ...) on a JSON API that only "
                        "kube-apiserver calls; no page is ever rendered",
}
VULNERABILITIES = ["heartbleed", "CCS", "ticketbleed", "ROBOT", "secure_client_renego", "CRIME_TLS",
                   "BREACH", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN", "LOGJAM",
                   "BEAST", "LUCKY13", "RC4"]


def main():
    findings = json.load(open(sys.argv[1]))
    by_id = {f["id"]: f for f in findings}
    results = []

    def expect(ok, text):
        results.append(("PASS " if ok else "FAIL ") + text)

    for proto in ["SSLv2", "SSLv3", "TLS1", "TLS1_1"]:
        finding = by_id.get(proto, {}).get("finding", "missing")
        expect(finding.startswith("not offered"), "%s not offered (%s)" % (proto, finding))
    for proto in ["TLS1_2", "TLS1_3"]:
        finding = by_id.get(proto, {}).get("finding", "missing")
        expect(finding.startswith("offered"), "%s offered (%s)" % (proto, finding))
    for name in ["NULL", "aNULL", "EXPORT", "LOW", "3DES_IDEA", "AVERAGE"]:
        finding = by_id.get("cipherlist_" + name, {}).get("finding", "missing")
        expect(finding.startswith("not offered"), "no %s cipher (%s)" % (name, finding))
    ciphers = [f["finding"].split() for f in findings if f["id"].startswith("cipher_x")]
    weak = [c[1] for c in ciphers
            if not (c[1].startswith("TLS_") or c[1].startswith("ECDHE-")) or c[4] not in ("AESGCM", "ChaCha20")]
    expect(ciphers and not weak, "only ECDHE with AES-GCM or ChaCha20-Poly1305 (and TLS 1.3 AEADs): %s%s"
           % (" ".join(c[1] for c in ciphers) or "no cipher listed", "; weak: " + " ".join(weak) if weak else ""))
    if "--vulnerabilities" in sys.argv:
        missing = [v for v in VULNERABILITIES if v not in by_id]
        flagged = [v for v in VULNERABILITIES if v in by_id and by_id[v]["severity"] not in ("OK", "INFO")]
        expect(not missing and not flagged, "no known vulnerability flagged (%d checked%s%s)"
               % (len(VULNERABILITIES) - len(missing), "; missing: " + " ".join(missing) if missing else "",
                  "; flagged: " + " ".join(flagged) if flagged else ""))
    problems = [f["id"] + ": " + f["finding"] for f in findings if f["severity"] in ("WARN", "FATAL")]
    expect(not problems, "testssl.sh ran without scan problems%s" % ("; " + "; ".join(problems) if problems else ""))
    severe = [f for f in findings if f["severity"] in SEVERE]
    for f in severe:
        if f["id"] in ACCEPTED:
            print("ACCEPTED %s (%s: %s): %s" % (f["id"], f["severity"], f["finding"], ACCEPTED[f["id"]]))
    unaccepted = [f for f in severe if f["id"] not in ACCEPTED]
    expect(not unaccepted, "no finding of severity MEDIUM or above concerning the server%s"
           % ("; " + "; ".join("%s %s: %s" % (f["severity"], f["id"], f["finding"]) for f in unaccepted)
              if unaccepted else ""))
    print("\n".join(results))


if __name__ == "__main__":
    main()
