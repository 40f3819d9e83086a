import JSONCore
import TrustPolicyRules

/// The one statement of a role's trust policy this controller owns, found by its `Sid`. It holds the federated
/// principal of `--issuer`'s provider, the `:aud` condition and the `:sub` list; nothing else in the document is
/// the controller's, so nothing else is ever removed or rewritten.
public struct OwnedTrustStatement: Sendable, Equatable {
    public let sid: String
    /// `<host>/<path>` of the issuer, the prefix of the condition keys.
    public let issuer: String
    public let audience: String

    public init(sid: String, issuer: String, audience: String = "sts.amazonaws.com") throws(TrustRequestError) {
        guard !sid.isEmpty, sid.utf8.allSatisfy({ $0 < 0x80 && (Character(Unicode.Scalar($0)).isLetter || Character(Unicode.Scalar($0)).isNumber) })
        else { throw .invalidSetting(option: "statement Sid", value: sid, problem: "letters and digits only") }
        var host = Substring(issuer)
        if host.hasPrefix("https://") { host = host.dropFirst("https://".count) }
        while host.hasSuffix("/") { host = host.dropLast() }
        guard !host.isEmpty else { throw .invalidSetting(option: "--issuer", value: issuer, problem: "no host") }
        self.sid = sid
        self.issuer = String(host)
        self.audience = audience
    }

    /// `arn:<partition>:iam::<account>:oidc-provider/<issuer>` in the role's own account.
    public func providerARN(for role: IAMRoleARN) -> String {
        "arn:\(role.partition):iam::\(role.accountID):oidc-provider/\(issuer)"
    }

    /// The statement for `trust`. Exact subjects alone go in `StringEquals`; once a pattern is present the whole
    /// `:sub` list goes in `StringLike` (operators of one statement are ANDed, so a split list would trust nobody;
    /// an exact subject is its own pattern, as namespaces and ServiceAccount names hold no `*` or `?`).
    public func statement(for trust: RoleTrust) -> JSONValue {
        let subjects = JSONValue.array((trust.subjects + trust.patterns).sorted().map(JSONValue.string))
        let audience: JSONValue = ["\(issuer):aud": .string(self.audience)]
        let condition: JSONValue = trust.patterns.isEmpty
            ? ["StringEquals": ["\(issuer):aud": .string(self.audience), "\(issuer):sub": subjects]]
            : ["StringEquals": audience, "StringLike": ["\(issuer):sub": subjects]]
        return [
            "Sid": .string(sid),
            "Effect": "Allow",
            "Principal": ["Federated": .string(providerARN(for: trust.role))],
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        ]
    }

    /// What an emptied owned statement becomes when it was the document's only one: IAM refuses a policy without
    /// statements, and an `:aud`-only Allow would trust every ServiceAccount of the cluster.
    public func denyStatement(for role: IAMRoleARN) -> JSONValue {
        [
            "Sid": .string(sid),
            "Effect": "Deny",
            "Principal": ["Federated": .string(providerARN(for: role))],
            "Action": "sts:AssumeRoleWithWebIdentity",
        ]
    }

    public func isOwned(_ statement: JSONValue) -> Bool { statement["Sid"]?.string == sid }

    /// The `:sub` values the owned statement trusts now (exact and patterns), for logging what changed.
    public func trustedSubjects(in document: TrustPolicyDocument) -> [String] {
        guard let owned = document.statements.first(where: isOwned), owned["Effect"]?.string == "Allow" else { return [] }
        let key = "\(issuer):sub"
        return (PolicyGrammar.strings(owned["Condition"]?["StringEquals"]?[key])
            + PolicyGrammar.strings(owned["Condition"]?["StringLike"]?[key])).sorted()
    }

    /// `document` with the owned statement set to `trust` (replaced where it stood, appended when absent, extra
    /// copies of it dropped: `PolicyGrammar.settingStatement`) or removed (`trust` nil). Every other statement stays
    /// as it was, in its place.
    public func applied(_ trust: RoleTrust?, role: IAMRoleARN, to document: TrustPolicyDocument) -> TrustPolicyDocument {
        var statements = PolicyGrammar.settingStatement(trust.map(statement(for:)), sid: sid, in: document.statements)
        if statements.isEmpty { statements = [denyStatement(for: role)] }
        var result = document
        result.setStatements(statements)
        return result
    }
}
