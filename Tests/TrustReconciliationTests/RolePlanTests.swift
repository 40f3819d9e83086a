import JSONCore
import Testing
@testable import TrustReconciliation

/// The owned statement inside a role's trust policy: only it is built, replaced or removed.
@Suite struct RolePlanTests {
    static let role = try! IAMRoleARN(parsing: "arn:aws:iam::111122223333:role/kf-shared")
    static let owned = try! OwnedTrustStatement(sid: "PodIdentityWebhookTrustController", issuer: "https://oidc.example.com/c1")
    static let provider = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/c1"
    /// The admin's statement: the provider with `:aud` only, a Sid and a number literal kept as written.
    static let admins = #"{"Sid":"AdminAud","Effect":"Allow","Principal":{"Federated":"\#(provider)"},"Action":["sts:AssumeRoleWithWebIdentity"],"Condition":{"StringEquals":{"oidc.example.com/c1:aud":"sts.amazonaws.com"},"NumericLessThan":{"aws:MultiFactorAuthAge":3.60e3}}}"#
    static let ec2 = #"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#

    static func document(_ statements: String...) throws -> TrustPolicyDocument {
        try TrustPolicyDocument(JSON.parse(#"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#))
    }

    static func trust(_ namespaces: [String], patterns: [String] = []) -> RoleTrust {
        RoleTrust(role: role, subjects: namespaces.map { "system:serviceaccount:\($0):default-editor" }.sorted(),
                  patterns: patterns, requests: [])
    }

    static func ownedStatement(_ subjects: [String]) -> String {
        let list = subjects.map { #""system:serviceaccount:\#($0):default-editor""# }.joined(separator: ",")
        return #"{"Sid":"PodIdentityWebhookTrustController","Effect":"Allow","Principal":{"Federated":"\#(provider)"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/c1:aud":"sts.amazonaws.com","oidc.example.com/c1:sub":[\#(list)]}}}"#
    }

    func plan(_ current: TrustPolicyDocument, _ trust: RoleTrust?, quota: Int = 2048) -> RolePlan {
        RolePlan.plan(role: Self.role, current: current, trust: trust, owned: Self.owned, quota: quota)
    }

    @Test func theOwnedStatementIsAppendedAndEverythingElseKeptAsWritten() throws {
        let current = try Self.document(Self.admins, Self.ec2)
        guard case .write(let next, let added, let removed) = plan(current, Self.trust(["alice"])) else {
            Issue.record("expected a write"); return
        }
        #expect(next.text == (try Self.document(Self.admins, Self.ec2, Self.ownedStatement(["alice"]))).text)
        #expect(next.text.contains("3.60e3"))
        #expect((added, removed) == (["system:serviceaccount:alice:default-editor"], []))
    }

    @Test func theOwnedStatementIsReplacedWhereItStands() throws {
        let current = try Self.document(Self.ownedStatement(["alice"]), Self.admins)
        guard case .write(let next, let added, let removed) = plan(current, Self.trust(["bob"])) else {
            Issue.record("expected a write"); return
        }
        #expect(next.text == (try Self.document(Self.ownedStatement(["bob"]), Self.admins)).text)
        #expect(added == ["system:serviceaccount:bob:default-editor"])
        #expect(removed == ["system:serviceaccount:alice:default-editor"])
    }

    @Test func aDocumentThatAlreadySaysItIsNotWritten() throws {
        #expect(plan(try Self.document(Self.admins, Self.ownedStatement(["alice", "bob"])), Self.trust(["bob", "alice"])) == .unchanged)
    }

    @Test func aSingleStatementObjectThatAlreadySaysItIsNotWritten() throws {
        let current = try TrustPolicyDocument(JSON.parse(#"{"Version":"2012-10-17","Statement":\#(Self.ownedStatement(["alice"]))}"#))
        #expect(plan(current, Self.trust(["alice"])) == .unchanged)
    }

    @Test func noSubjectsLeftRemovesOnlyTheOwnedStatement() throws {
        let current = try Self.document(Self.admins, Self.ownedStatement(["alice"]), Self.ec2)
        guard case .write(let next, _, let removed) = plan(current, nil) else { Issue.record("expected a write"); return }
        #expect(next.text == (try Self.document(Self.admins, Self.ec2)).text)
        #expect(removed == ["system:serviceaccount:alice:default-editor"])
    }

    @Test func theLastStatementEmptiedBecomesADenyNotAnAudienceOnlyAllow() throws {
        guard case .write(let next, _, _) = plan(try Self.document(Self.ownedStatement(["alice"])), nil) else {
            Issue.record("expected a write"); return
        }
        #expect(next.statements == [Self.owned.denyStatement(for: Self.role)])
        #expect(next.webIdentityProviders.isEmpty)
    }

    @Test func aRoleWithoutOwnedStatementAndNothingToTrustIsLeftAlone() throws {
        #expect(plan(try Self.document(Self.ec2), nil) == .unchanged)
    }

    @Test(arguments: [
        (Self.ec2, [String]()),
        (#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/other.example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}"#,
         ["arn:aws:iam::111122223333:oidc-provider/other.example.com"]),
    ]) func aRoleThatDoesNotTrustTheIssuersProviderIsRefused(_ statement: String, _ found: [String]) throws {
        #expect(plan(try Self.document(statement), Self.trust(["alice"]))
            == .refused(.providerNotTrusted(role: Self.role.text, provider: Self.provider, found: found)))
    }

    @Test func patternsPutTheWholeSubjectListUnderStringLike() throws {
        let trust = Self.trust(["alice"], patterns: ["system:serviceaccount:kf-*:default-editor"])
        guard case .write(let next, _, _) = plan(try Self.document(Self.admins), trust) else { Issue.record("expected a write"); return }
        let condition = try #require(next.statements.last?["Condition"])
        #expect(condition["StringEquals"] == ["oidc.example.com/c1:aud": "sts.amazonaws.com"])
        #expect(condition["StringLike"] == ["oidc.example.com/c1:sub": [
            "system:serviceaccount:alice:default-editor", "system:serviceaccount:kf-*:default-editor"]])
    }

    @Test func aDocumentOverTheQuotaIsNotWritten() throws {
        let current = try Self.document(Self.admins)
        let sixty = (1...60).map { "kf-user-\($0)" }
        guard case .refused(.trustPolicyTooLarge(let role, let size, let quota)) = plan(current, Self.trust(sixty)) else {
            Issue.record("expected a refusal"); return
        }
        #expect(role == Self.role.text && quota == 2048 && size > 2048)
        let compact = Self.trust([], patterns: ["system:serviceaccount:kf-user-*:default-editor"])
        guard case .write(let next, _, _) = plan(current, compact) else { Issue.record("expected a write"); return }
        #expect(next.quotaSize <= 2048)
    }

    @Test func theQuotaSizeDoesNotCountWhitespace() throws {
        let spaced = try TrustPolicyDocument(JSON.parse("{ \"Version\" : \"2012-10-17\" }"))
        #expect(spaced.quotaSize == #"{"Version":"2012-10-17"}"#.count)
    }

    @Test func aDocumentThatIsNotJSONIsRefusedWithTheParsersReason() {
        do throws(TrustPolicyDocumentError) {
            _ = try TrustPolicyDocument(text: #"{"Version":"#)
            Issue.record("truncated JSON parsed")
        } catch {
            guard case .invalidJSON = error else { Issue.record("expected invalidJSON, got \(error)"); return }
        }
        #expect(throws: TrustPolicyDocumentError.notAnObject(found: "array")) { try TrustPolicyDocument(text: "[]") }
        #expect(throws: TrustPolicyDocumentError.invalidStatement(found: "string")) {
            try TrustPolicyDocument(text: #"{"Statement":"x"}"#)
        }
    }
}
