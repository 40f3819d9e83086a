import JSONCore
import TrustPolicyRules

/// An IAM trust policy as IAM returns it, read without losing anything: member order and number literals are kept
/// by `JSONValue`, so a statement this project does not touch is written back equivalent to what was read.
/// The core the trust-policy merges share: statements (a single object or a list), web-identity principals, size.
public struct TrustPolicyDocument: Sendable, Equatable {
    public private(set) var value: JSONValue

    public init(_ value: JSONValue) throws(TrustPolicyDocumentError) {
        guard case .object(let root) = value else { throw .notAnObject(found: value.typeName) }
        switch root["Statement"] {
        case .array?, .object?, nil: break
        case let other?: throw .invalidStatement(found: other.typeName)
        }
        self.value = value
    }

    /// GetRole's `AssumeRolePolicyDocument` is percent-encoded (RFC 3986: `+` is a plus, not a space) JSON.
    public init(percentEncoded text: String) throws(TrustPolicyDocumentError) {
        guard let decoded = Self.percentDecoded(text) else { throw .invalidPercentEncoding }
        let parsed: JSONValue
        do { parsed = try JSON.parse(decoded) } catch { throw .invalidJSON(error.description) }
        try self.init(parsed)
    }

    /// The statements, whether the document holds a list or a single statement object.
    public var statements: [JSONValue] {
        switch value["Statement"] {
        case .array(let list)?: list
        case let single?: [single]
        case nil: []
        }
    }

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

    /// Federated principals of the statements that allow `sts:AssumeRoleWithWebIdentity`, in document order.
    public var webIdentityProviders: [String] {
        var providers: [String] = []
        for statement in statements where statement["Effect"]?.string == "Allow"
            && Self.strings(statement["Action"]).contains("sts:AssumeRoleWithWebIdentity")
        {
            for provider in Self.strings(statement["Principal"]?["Federated"]) where !providers.contains(provider) {
                providers.append(provider)
            }
        }
        return providers
    }

    /// A string, or the strings of a list (IAM's "string or list of strings" fields).
    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .array(let list)?: list.compactMap(\.string)
        default: []
        }
    }

    private static func percentDecoded(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

public enum TrustPolicyDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject(found: String)
    case invalidStatement(found: String)
    case invalidPercentEncoding
    case invalidJSON(String)

    public var description: String {
        switch self {
        case .notAnObject(let found): "the document is a JSON \(found), not an object"
        case .invalidStatement(let found): "Statement is a JSON \(found), not a statement or a list of statements"
        case .invalidPercentEncoding: "the document is not valid percent-encoding"
        case .invalidJSON(let problem): "the document is not JSON: \(problem)"
        }
    }
}
