/// One `--allowed-roles` entry: an ARN glob (`*` any run of characters, `?` one character) in which `{namespace}`
/// stands for the namespace of the subject asking for trust, so `arn:aws:iam::111122223333:role/kf-{namespace}-*`
/// lets namespace `alice` use only roles named `kf-alice-...`.
public struct RolePattern: Sendable, Equatable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) throws(TrustRequestError) {
        guard text.hasPrefix("arn:") else {
            throw .invalidSetting(option: "--allowed-roles", value: text, problem: "not an ARN glob (it starts with arn:)")
        }
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            guard rest[open...].hasPrefix("{namespace}") else {
                throw .invalidSetting(option: "--allowed-roles", value: text, problem: "the only placeholder is {namespace}")
            }
            rest = rest[rest.index(open, offsetBy: "{namespace}".count)...]
        }
        guard !rest.contains("}") else { throw .invalidSetting(option: "--allowed-roles", value: text, problem: "unbalanced }") }
        self.text = text
    }

    public var description: String { text }

    /// Whether the pattern confines each namespace to its own roles (`{namespace}`).
    public var isPerNamespace: Bool { text.contains("{namespace}") }

    public func allows(_ role: IAMRoleARN, forNamespace namespace: String) -> Bool {
        let pattern = text.replacing("{namespace}", with: Self.escaped(namespace))
        return Self.globMatches(Array(pattern.unicodeScalars), Array(role.text.unicodeScalars))
    }

    /// Namespace names are DNS labels (no glob characters), but a literal is never trusted to be one.
    private static func escaped(_ literal: String) -> String {
        literal.replacing("\\", with: "\\\\").replacing("*", with: "\\*").replacing("?", with: "\\?")
    }

    /// Iterative glob match with one backtrack point (linear in practice, no recursion).
    static func globMatches(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < pattern.count, pattern[p] == "\\", p + 1 < pattern.count, pattern[p + 1] == text[t] {
                p += 2; t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = (p, t); p += 1
            } else if p < pattern.count, pattern[p] != "\\", pattern[p] == "?" || pattern[p] == text[t] {
                p += 1; t += 1
            } else if let backtrack = star {
                p = backtrack.pattern + 1; t = backtrack.text + 1
                star = (backtrack.pattern, backtrack.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
