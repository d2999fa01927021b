// SMMR-REQUIRED-MEMBERS, SMMR-MEMBER-NAMES and SMMR-NAME through the whole policy.
import Testing
import Admission
@testable import Policy

/// SMMR-* behaviour on the documented member roll and its variants. Swift Testing runs each test on any thread.
@Suite("ServiceMeshMemberRoll rules")
struct ServiceMeshMemberRollTests {
    let roll: JSONValue

    init() throws {
        roll = try MeshCheck.json(MeshExamples.memberRoll)
    }

    func members(_ names: [String]) -> JSONValue {
        roll.setting("spec.members", to: .array(names.map { .string($0) }))
    }

    @Test func documentedRollIsAllowedWithoutWarnings() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll)
        #expect(verdict.allowed)
        #expect(verdict.warnings.isEmpty)
        #expect(verdict.firedIDs.isEmpty)
    }

    @Test func rollWithoutKnativeServingIsDeniedWithTheDocumentedMessage() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["serverless-apps"]))
        #expect(!verdict.allowed)
        #expect(verdict.code == 403)
        #expect(verdict.reason == "Forbidden")
        #expect(verdict.message == "[SMMR-REQUIRED-MEMBERS] spec.members does not contain \"knative-serving\"; the mesh only admits Serverless traffic from member namespaces (doc §1.3). Fix: add knative-serving to spec.members.")
    }

    @Test func rollWithoutMembersIsDenied() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll.setting("spec.members", to: nil))
        #expect(verdict.deniedIDs == ["SMMR-REQUIRED-MEMBERS"])
    }

    @Test func wildcardMemberSatisfiesRequiredMembers() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["*"]))
        #expect(verdict.allowed)
        #expect(verdict.firedIDs.isEmpty)
    }

    @Test func requiredMembersAreNotCheckedInKourierMode() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["serverless-apps"]), MeshCheck.kourier)
        #expect(verdict.allowed)
        #expect(verdict.firedIDs.isEmpty)
    }

    @Test func customRequiredMembersNameEveryMissingNamespace() {
        let configuration = MeshCheck.configuration { $0.memberRoll.requiredMembers = ["knative-serving", "knative-eventing"] }
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll, configuration)
        #expect(verdict.deniedIDs == ["SMMR-REQUIRED-MEMBERS"])
        #expect(verdict.text(of: "SMMR-REQUIRED-MEMBERS")?.hasPrefix("spec.members does not contain \"knative-eventing\";") == true)
        let both = MeshCheck.validate(MeshKinds.memberRoll, members(["apps"]), configuration)
        #expect(both.denialLines.count == 1)
        #expect(both.message.contains("\"knative-serving\", \"knative-eventing\""))
        #expect(MeshCheck.validate(MeshKinds.memberRoll, members(["knative-serving", "knative-eventing"]), configuration).allowed)
    }

    @Test func rollsOtherThanDefaultInTheMeshNamespaceOnlyWarn() {
        let other = roll.setting("metadata.name", to: "serverless")
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, other.setting("spec.members", to: ["apps"]))
        #expect(verdict.allowed)
        #expect(verdict.warnedIDs == ["SMMR-NAME"])
        #expect(verdict.warnings == ["[SMMR-NAME] the mesh reads only istio-system/default, not \"istio-system/serverless\" (doc §1.3). Fix: use that roll."])
        let elsewhere = MeshCheck.validate(MeshKinds.memberRoll, roll.setting("metadata.namespace", to: "other-mesh"))
        #expect(elsewhere.warnedIDs == ["SMMR-NAME"])
    }

    @Test func rollNameWarningHonoursTheConfiguredMeshNamespace() {
        let configuration = MeshCheck.configuration { $0.meshNamespace = "mesh" }
        #expect(MeshCheck.validate(MeshKinds.memberRoll, roll, configuration).warnedIDs == ["SMMR-NAME"])
        let moved = roll.setting("metadata.namespace", to: "mesh").setting("spec.members", to: ["apps"])
        #expect(MeshCheck.validate(MeshKinds.memberRoll, moved, configuration).deniedIDs == ["SMMR-REQUIRED-MEMBERS"])
    }

    @Test(arguments: ["Knative-Serving", "knative_serving", "-apps", "apps-", "knative-*", "* ", "", String(repeating: "a", count: 64)])
    func invalidMemberNamesAreDeniedAsInvalid(name: String) {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["knative-serving", name]))
        #expect(verdict.deniedIDs == ["SMMR-MEMBER-NAMES"])
        #expect(verdict.code == 422)
        #expect(verdict.reason == "Invalid")
        #expect(verdict.message.hasPrefix("[SMMR-MEMBER-NAMES] spec.members[1] "))
    }

    @Test(arguments: ["a", "apps", "app-1", "0ns", String(repeating: "a", count: 63), "*"])
    func validMemberNamesPass(name: String) {
        #expect(MeshCheck.validate(MeshKinds.memberRoll, members(["knative-serving", name])).firedIDs.isEmpty)
    }

    @Test func memberNamesAreCheckedInKourierModeAndInAnyNamespace() {
        let other = members(["Bad"]).setting("metadata.namespace", to: "elsewhere")
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, other, MeshCheck.kourier)
        #expect(verdict.deniedIDs == ["SMMR-MEMBER-NAMES"])
        #expect(verdict.warnedIDs == ["SMMR-NAME"])
    }

    @Test func duplicateMembersWarnOnce() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["knative-serving", "apps", "apps", "knative-serving", "apps"]))
        #expect(verdict.allowed)
        #expect(verdict.warnings == ["[SMMR-MEMBER-NAMES] spec.members repeats \"apps\" (and 1 more), to no effect (doc §1.3). Fix: remove it."])
    }

    @Test func controlCharactersInMemberNamesAreEscapedInTheMessage() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, members(["knative-serving", "bad\nname\u{7}"]))
        #expect(verdict.denialLines.count == 1)
        #expect(verdict.message.contains(#""bad\nname\u0007""#))
    }

    @Test func membersGivenAsAStringAreMalformed() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll.setting("spec.members", to: "knative-serving"))
        #expect(!verdict.allowed)
        #expect(verdict.code == 400)
        #expect(verdict.reason == "BadRequest")
        // Every rule that reads spec.members finds it malformed; the engine reports it once.
        #expect(verdict.denialLines == ["[SMMR-REQUIRED-MEMBERS] spec.members must be a list."])
    }

    @Test func aMemberThatIsNotAStringIsMalformed() {
        let verdict = MeshCheck.validate(MeshKinds.memberRoll, roll.setting("spec.members", to: ["knative-serving", 7]))
        #expect(verdict.code == 400)
        #expect(verdict.message.contains("spec.members[1] must be a string."))
    }

    @Test func otherKindsAndVersionsAreIgnored() {
        let v2 = GroupVersionKind(group: "maistra.io", version: "v2", kind: "ServiceMeshMemberRoll")
        #expect(MeshCheck.validate(v2, members([])).firedIDs.isEmpty)
        let member = GroupVersionKind(group: "maistra.io", version: "v1", kind: "ServiceMeshMember")
        #expect(MeshCheck.validate(member, members([])).firedIDs.isEmpty)
    }

    @Test func updateIsJudgedOnTheNewObjectAndDeleteIsAllowed() {
        let bad = members(["apps"])
        let request = MeshCheck.request(MeshKinds.memberRoll, bad, operation: .update, oldObject: roll)
        #expect(!Policy().validate(request).response.allowed)
        let repaired = MeshCheck.request(MeshKinds.memberRoll, roll, operation: .update, oldObject: bad)
        #expect(Policy().validate(repaired).response.allowed)
        #expect(MeshCheck.validate(MeshKinds.memberRoll, bad, operation: .delete).allowed)
    }
}
