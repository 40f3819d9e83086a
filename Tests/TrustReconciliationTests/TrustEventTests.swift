import Testing
@testable import TrustReconciliation

@Suite struct TrustEventTests {
    static let role = try! IAMRoleARN(parsing: "arn:aws:iam::111122223333:role/kf-shared")
    static func profile(_ name: String) -> TrustRequest {
        TrustRequest(origin: .profile(name), namespace: name, serviceAccount: "default-editor", role: role.text)
    }
    static let document = try! TrustPolicyDocument(["Version": "2012-10-17"])

    @Test func aWriteGivesANormalEventToEachRequesterItAdded() {
        let plan = RolePlan.write(document: Self.document, added: ["system:serviceaccount:alice:default-editor",
                                                                   "system:serviceaccount:kf-*:default-editor"], removed: [])
        let events = TrustEvent.events(for: plan, role: Self.role,
                                       requests: [Self.profile("alice"), Self.profile("bob"), Self.profile("kf-x")])
        #expect(events.map(\.regarding) == [.profile("alice"), .profile("kf-x")])
        #expect(events.allSatisfy { $0.kind == .normal && $0.reason == "TrustGranted" })
        #expect(events.first?.note == "role \(Self.role.text) now trusts system:serviceaccount:alice:default-editor")
        #expect(events.first?.namespace == "default")
    }

    @Test func aQuotaRefusalWarnsEveryRequesterNamingRoleSizeAndQuota() {
        let plan = RolePlan.refused(.trustPolicyTooLarge(role: Self.role.text, size: 3100, quota: 2048))
        let events = TrustEvent.events(for: plan, role: Self.role, requests: [Self.profile("alice"), Self.profile("bob")])
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.kind == .warning && $0.reason == "TrustPolicyTooLarge" })
        #expect(events[0].note.contains(Self.role.text) && events[0].note.contains("3100") && events[0].note.contains("2048"))
    }

    @Test func nothingChangedGivesNoEvent() {
        #expect(TrustEvent.events(for: .unchanged, role: Self.role, requests: [Self.profile("alice")]).isEmpty)
    }

    @Test func aServiceAccountsEventGoesToItsNamespace() {
        let request = TrustRequest(origin: .serviceAccount(namespace: "team", name: "app"), namespace: "team",
                                   serviceAccount: "app", role: "arn:aws:iam::111122223333:role/admin")
        let event = TrustEvent.refused(.init(request: request, reason: .roleNotAllowed(role: request.role, subject: request.subject)))
        #expect((event.namespace, event.kind, event.reason) == ("team", .warning, "TrustRefused"))
    }

    @Test func aLongNoteIsCutToWhatTheAPIServerAccepts() {
        let event = TrustEvent.invalidPlugin(profile: "alice", .invalidPluginSpec(profile: "alice", problem: String(repeating: "é", count: 800)))
        #expect(event.note.utf8.count <= TrustEvent.maximumNoteBytes)
        #expect(event.note.hasSuffix("..."))
    }
}
