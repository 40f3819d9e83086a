import JSONCore
import TrustPolicyRules

/// An IAM trust policy as IAM returns it, read without losing anything: member order and number literals are kept
/// by `JSONValue`, so a statement this project does not touch is written back equivalent to what was read.
/// The core the trust-policy merges share: statements (a single object or a list), web-identity principals, size.
public struct TrustPolicyDocument: Sendable, Equatable {
    public private(set) var value: JSONValue

    public init(_ value: JSONValue) throws(TrustPolicyDocumentError) {
        guard case .object(let root) = value else { throw .notAnObject(found: value.typeName) }
        guard PolicyGrammar.statements(of: root) != nil else { throw .invalidStatement(found: root["Statement"]?.typeName ?? "null") }
        self.value = value
    }

    /// The document's JSON text (GetRole's `AssumeRolePolicyDocument` once AWSCore's `URIEncoding.decode` undid its
    /// RFC 3986 percent-encoding).
    public init(text: String) throws(TrustPolicyDocumentError) {
        let parsed: JSONValue
        do { parsed = try JSON.parse(text) } catch { throw .invalidJSON(error.description) }
        try self.init(parsed)
    }

    /// The statements, whether the document holds a list or a single statement object.
    public var statements: [JSONValue] { value.object.flatMap(PolicyGrammar.statements(of:))?.list ?? [] }

    /// Replaces the statements; written as a list (IAM accepts both forms and returns what it was given).
    public mutating func setStatements(_ statements: [JSONValue]) {
        guard case .object(var root) = value else { return }
        root["Statement"] = .array(statements)
        value = .object(root)
    }

    /// The compact serialization, as it is sent to UpdateAssumeRolePolicy.
    public var text: String { JSON.serializeToString(value) }

    /// The size IAM checks against the role's trust-policy quota (counted as `webhook setup role` counts it).
    public var quotaSize: Int { TrustPolicyCheck.countedSize(text) }

    /// Federated principals of the web-identity statements (TrustPolicyRules' `WebIdentityStatement`, the merge's
    /// own rule), in document order.
    public var webIdentityProviders: [String] {
        var providers: [String] = []
        for provider in statements.flatMap(WebIdentityStatement.providers(of:)) where !providers.contains(provider) {
            providers.append(provider)
        }
        return providers
    }
}

public enum TrustPolicyDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject(found: String)
    case invalidStatement(found: String)
    case invalidJSON(String)

    public var description: String {
        switch self {
        case .notAnObject(let found): "the document is a JSON \(found), not an object"
        case .invalidStatement(let found): "Statement is a JSON \(found), not a statement or a list of statements"
        case .invalidJSON(let problem): "the document is not JSON: \(problem)"
        }
    }
}
