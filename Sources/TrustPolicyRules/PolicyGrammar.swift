import JSONCore

/// The two shapes of the IAM policy language that every policy the project edits (role trust policies, the issuer
/// bucket's policy) reads and writes the same way.
public enum PolicyGrammar {
    /// `Statement` as a list, or nil when it is neither a list nor one statement object (IAM and S3 refuse such a
    /// document). `singleObject` remembers the one-object form so a merge can write back what it read.
    public static func statements(of policy: JSONObject) -> (list: [JSONValue], singleObject: Bool)? {
        switch policy["Statement"] {
        case nil: ([], false)
        case .array(let list)?: (list, false)
        case let single? where single.object != nil: ([single], true)
        default: nil
        }
    }

    /// A string, or the strings of a list (IAM's "string or list of strings" fields: Action, Principal values,
    /// condition values).
    public static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: [text]
        case .array(let list)?: list.compactMap(\.string)
        default: []
        }
    }

    /// `statements` with the one statement the project owns, found by its `Sid`, set to `statement`: in place of the
    /// first with that Sid, appended when there is none, further copies dropped (the project owns one statement);
    /// `statement` nil removes them all. Every other statement stays as it was, in its place.
    public static func settingStatement(_ statement: JSONValue?, sid: String, in statements: [JSONValue]) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(statements.count + 1)
        var placed = false
        for existing in statements {
            guard existing["Sid"]?.string == sid else { result.append(existing); continue }
            if let statement, !placed { result.append(statement) }
            placed = true
        }
        if let statement, !placed { result.append(statement) }
        return result
    }
}
