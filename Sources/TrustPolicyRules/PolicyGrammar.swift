import JSONCore

/// The two shapes of the IAM policy language that every policy the project edits (role trust policies, the issuer
/// bucket's policy) reads the same way.
enum PolicyGrammar {
    /// `Statement` as a list, or nil when it is neither a list nor one statement object (IAM and S3 refuse such a
    /// document). `singleObject` remembers the one-object form so a merge can write back what it read.
    static func statements(of policy: JSONObject) -> (list: [JSONValue], singleObject: Bool)? {
        switch policy["Statement"] {
        case nil: ([], false)
        case .array(let list)?: (list, false)
        case let single? where single.object != nil: ([single], true)
        default: nil
        }
    }

    /// A string, or the strings of a list (IAM's "string or list of strings" fields: Action, Principal values,
    /// condition values).
    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .array(let list)?: list.compactMap(\.string)
        default: []
        }
    }
}
