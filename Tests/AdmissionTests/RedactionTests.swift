// AdmissionReviewRedactor: no byte of a Secret's data survives redaction; other kinds are untouched.
import Foundation
import Testing
@testable import Admission

/// Redaction tests. Owned by the test suite; any Swift Testing thread.
@Suite("AdmissionReviewRedactor")
struct RedactionTests {
    /// Distinctive secret material: each value appears nowhere else in the review.
    static let secrets = ["c3VwZXItc2VjcmV0LXRscy1rZXk=", "hunter2-plain-password", "b2xkLXNlY3JldC12YWx1ZQ==", "old-plain-token-7731"]

    static func secretReview(kind: String = #"{"group":"","version":"v1","kind":"Secret"}"#) throws -> JSONValue {
        let lastApplied = #"{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"data\":{\"tls.key\":\"c3VwZXItc2VjcmV0LXRscy1rZXk=\"},\"stringData\":{\"password\":\"hunter2-plain-password\"}}"#
        return try JSONParser.parse("""
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u-1","kind":\(kind),
        "resource":{"group":"","version":"v1","resource":"secrets"},"name":"tls","namespace":"knative-serving","operation":"UPDATE",
        "object":{"apiVersion":"v1","kind":"Secret","type":"kubernetes.io/tls",
          "metadata":{"name":"tls","labels":{"a":"b"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"\(lastApplied)","keep":"me"}},
          "data":{"tls.key":"c3VwZXItc2VjcmV0LXRscy1rZXk=","tls.crt":"Y2VydA=="},"stringData":{"password":"hunter2-plain-password"}},
        "oldObject":{"apiVersion":"v1","kind":"Secret","metadata":{"name":"tls"},"data":{"tls.key":"b2xkLXNlY3JldC12YWx1ZQ=="},
          "stringData":{"token":"old-plain-token-7731"}}},
        "response":{"uid":"u-1","allowed":true}}
        """)
    }

    @Test func noSecretByteSurvives() throws {
        let review = try Self.secretReview()
        let before = review.jsonString
        for secret in Self.secrets { #expect(before.contains(secret)) }  // the fixture really holds them
        let redacted = AdmissionReviewRedactor.redactSecrets(review).jsonString
        for secret in Self.secrets + ["Y2VydA=="] {
            #expect(!redacted.contains(secret), "\(secret) survived")
        }
    }

    @Test func keysStayAndValuesBecomeThePlaceholder() throws {
        let redacted = AdmissionReviewRedactor.redactSecrets(try Self.secretReview())
        #expect(redacted["request", "object", "data"] == ["tls.key": "<redacted>", "tls.crt": "<redacted>"])
        #expect(redacted["request", "object", "stringData"] == ["password": "<redacted>"])
        #expect(redacted["request", "oldObject", "data"] == ["tls.key": "<redacted>"])
        #expect(redacted["request", "oldObject", "stringData"] == ["token": "<redacted>"])
        #expect(redacted["request", "object", "metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"] == "<redacted>")
        #expect(redacted["request", "object", "metadata", "annotations", "keep"] == "me")
        #expect(redacted["request", "object", "metadata", "labels"] == ["a": "b"])
        #expect(redacted["request", "object", "type"] == "kubernetes.io/tls")
        #expect(redacted["request", "uid"] == "u-1")
        #expect(redacted["response"] == ["uid": "u-1", "allowed": true])
    }

    @Test func aReviewThatDisagreesWithItselfIsStillRedacted() throws {
        // request.kind claims a ConfigMap, but the object is a v1 Secret.
        let review = try Self.secretReview(kind: #"{"group":"","version":"v1","kind":"ConfigMap"}"#)
        let redacted = AdmissionReviewRedactor.redactSecrets(review).jsonString
        for secret in Self.secrets { #expect(!redacted.contains(secret)) }
    }

    @Test func malformedDataIsReplacedWhole() throws {
        let review = try JSONParser.parse(#"{"request":{"kind":{"group":"","version":"v1","kind":"Secret"},"object":{"data":"raw-secret-string","stringData":["x-secret"]}}}"#)
        let redacted = AdmissionReviewRedactor.redactSecrets(review)
        #expect(redacted["request", "object", "data"] == "<redacted>")
        #expect(redacted["request", "object", "stringData"] == "<redacted>")
    }

    @Test func otherKindsAreUnchanged() throws {
        let configMap = try JSONParser.parse(#"{"request":{"kind":{"group":"","version":"v1","kind":"ConfigMap"},"object":{"apiVersion":"v1","kind":"ConfigMap","data":{"k":"v"},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}}}}}"#)
        #expect(AdmissionReviewRedactor.redactSecrets(configMap) == configMap)
        let otherGroupSecret = try JSONParser.parse(#"{"request":{"kind":{"group":"example.com","version":"v1","kind":"Secret"},"object":{"apiVersion":"example.com/v1","kind":"Secret","data":{"k":"v"}}}}"#)
        #expect(AdmissionReviewRedactor.redactSecrets(otherGroupSecret) == otherGroupSecret)
        let ksvc = try JSONParser.parse(try Data(contentsOf: URL(fileURLWithPath: Fixtures.json + "/ksvc-review-3.6k.json")).map { $0 })
        #expect(AdmissionReviewRedactor.redactSecrets(ksvc) == ksvc)
        #expect(AdmissionReviewRedactor.redactSecrets("not a review") == "not a review")
    }

    @Test func aDeleteWithOnlyAnOldObjectIsRedacted() throws {
        let review = try JSONParser.parse(#"{"request":{"kind":{"group":"","version":"v1","kind":"Secret"},"operation":"DELETE","object":null,"oldObject":{"kind":"Secret","data":{"k":"ZGVsZXRlZC1zZWNyZXQ="}}}}"#)
        let redacted = AdmissionReviewRedactor.redactSecrets(review)
        #expect(!redacted.jsonString.contains("ZGVsZXRlZC1zZWNyZXQ="))
        #expect(redacted["request", "object"] == .null)
    }
}
