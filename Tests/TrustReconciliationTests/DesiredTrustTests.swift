import Testing
@testable import TrustReconciliation

@Suite struct DesiredTrustTests {
    static let caller = CallerAccount(partition: "aws", accountID: "111122223333")

    static func profile(_ name: String, role: String) -> TrustRequest {
        TrustRequest(origin: .profile(name), namespace: name, serviceAccount: "default-editor", role: role)
    }

    static func rules(_ allowed: [String] = ["arn:aws:iam::111122223333:role/kf-*"], compact: [String] = []) throws -> TrustRules {
        try TrustRules(allowedRoles: allowed.map(RolePattern.init), caller: caller, compactNamespacePrefixes: compact)
    }

    @Test func subjectsAreGroupedByRoleSortedAndDeduplicated() throws {
        let shared = "arn:aws:iam::111122223333:role/kf-shared"
        let desired = DesiredTrust(requests: [Self.profile("bob", role: shared), Self.profile("alice", role: shared),
                                              Self.profile("alice", role: shared)], rules: try Self.rules())
        #expect(desired.roles.map(\.role.text) == [shared])
        #expect(desired.roles[0].subjects == ["system:serviceaccount:alice:default-editor", "system:serviceaccount:bob:default-editor"])
        #expect(desired.roles[0].requests.map(\.origin) == [.profile("alice"), .profile("bob")])
        #expect(desired.refusals.isEmpty)
    }

    @Test func aRoleOutsideTheAllowedPatternsIsRefused() throws {
        let request = Self.profile("alice", role: "arn:aws:iam::111122223333:role/admin")
        let desired = DesiredTrust(requests: [request], rules: try Self.rules())
        #expect(desired.roles.isEmpty)
        #expect(desired.refusals == [.init(request: request, reason: .roleNotAllowed(
            role: "arn:aws:iam::111122223333:role/admin", subject: "system:serviceaccount:alice:default-editor"))])
    }

    @Test func theNamespacePlaceholderConfinesEachNamespaceToItsRoles() throws {
        let rules = try Self.rules(["arn:aws:iam::111122223333:role/kf-{namespace}"])
        let own = Self.profile("alice", role: "arn:aws:iam::111122223333:role/kf-alice")
        let other = Self.profile("bob", role: "arn:aws:iam::111122223333:role/kf-alice")
        let desired = DesiredTrust(requests: [own, other], rules: rules)
        #expect(desired.roles.map(\.subjects) == [["system:serviceaccount:alice:default-editor"]])
        #expect(desired.refusals.map(\.request) == [other])
    }

    @Test(arguments: [
        ("arn:aws:iam::444455556666:role/kf-x", "444455556666", "aws"),
        ("arn:aws-cn:iam::111122223333:role/kf-x", "111122223333", "aws-cn"),
    ]) func aRoleOfAnotherAccountOrPartitionIsRefused(_ role: String, _ account: String, _ partition: String) throws {
        let request = Self.profile("alice", role: role)
        let desired = DesiredTrust(requests: [request], rules: try Self.rules(["arn:*:iam::*:role/kf-*"]))
        #expect(desired.refusals.map(\.reason) == [.foreignAccount(role: role, roleAccount: account, rolePartition: partition,
                                                                   callerAccount: "111122223333", callerPartition: "aws")])
    }

    @Test func compactPrefixesTurnTheirNamespacesIntoOnePattern() throws {
        let role = "arn:aws:iam::111122223333:role/kf-shared"
        let requests = ["kf-team-a", "kf-team-b", "kf-x", "alice"].map { Self.profile($0, role: role) }
        let desired = DesiredTrust(requests: requests, rules: try Self.rules(compact: ["kf-", "kf-team-"]))
        #expect(desired.roles[0].subjects == ["system:serviceaccount:alice:default-editor"])
        #expect(desired.roles[0].patterns == ["system:serviceaccount:kf-*:default-editor",
                                              "system:serviceaccount:kf-team-*:default-editor"])
    }

    @Test func aRoleAllowedOnlyPerNamespaceKeepsExactSubjects() throws {
        // A pattern would let every kf-user-* namespace into the one namespace's role {namespace} confines it to.
        let rules = try Self.rules(["arn:aws:iam::111122223333:role/ns-{namespace}"], compact: ["kf-user-"])
        let role = "arn:aws:iam::111122223333:role/ns-kf-user-alice"
        let desired = DesiredTrust(requests: [Self.profile("kf-user-alice", role: role)], rules: rules)
        #expect(desired.roles[0].subjects == ["system:serviceaccount:kf-user-alice:default-editor"])
        #expect(desired.roles[0].patterns.isEmpty)
    }

    @Test func twoSpellingsOfOneRoleAreOneRoleTrust() throws {
        // With and without a path, the same IAM role name: two entries would mean two writes, each undoing the other.
        let desired = DesiredTrust(requests: [Self.profile("bob", role: "arn:aws:iam::111122223333:role/team/kf-shared"),
                                              Self.profile("alice", role: "arn:aws:iam::111122223333:role/kf-shared")],
                                   rules: try Self.rules(["arn:aws:iam::111122223333:role/*"]))
        #expect(desired.roles.map(\.role.text) == ["arn:aws:iam::111122223333:role/kf-shared"])
        #expect(desired.roles[0].subjects == ["system:serviceaccount:alice:default-editor", "system:serviceaccount:bob:default-editor"])
    }

    @Test(arguments: ["", "kf*", "Team", "a:b"]) func aCompactPrefixIsTheStartOfANamespaceName(_ prefix: String) {
        #expect(throws: TrustRequestError.invalidSetting(option: "--compact-namespace-prefix", value: prefix,
                                                          problem: "must be the start of a namespace name ([a-z0-9-]+)")) {
            try Self.rules(compact: [prefix])
        }
    }
}
