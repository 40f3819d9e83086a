import JSONCore

public enum TrustPolicyMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnObject
    case badStatement(String)

    public var description: String {
        switch self {
        case .notAnObject: "the trust policy is not a JSON object"
        case .badStatement(let problem): "the trust policy's Statement \(problem)"
        }
    }
}

/// Adds a ServiceAccount's subject to a role's trust policy by patching, never regenerating:
/// every statement, `Sid`, operator (`StringLike`...), condition key and `:aud` value the project
/// did not write stays as it was. Shared by `webhook setup role` and the trust controller.
public enum TrustPolicyMerge {
    public enum Outcome: Sendable, Equatable {
        /// The subject is already granted: nothing to write.
        case unchanged
        case updated(JSONValue)
    }

    public static func addSubject(_ grant: WebIdentityGrant, to document: JSONValue) throws(TrustPolicyMergeError) -> Outcome {
        guard case .object(var policy) = document else { throw .notAnObject }
        guard case (var statements, let statementWasSingleObject)? = PolicyGrammar.statements(of: policy) else {
            throw .badStatement("is neither a list nor an object")
        }
        let candidates = statements.indices.filter { WebIdentityStatement.trusts(statements[$0], providerARN: grant.providerARN) }
        if candidates.contains(where: { grants(statements[$0], grant) }) { return .unchanged }

        // Prefer a statement whose subjects are already a StringEquals list (kfctl's and the
        // controller's shape), then an audience-only statement, else add a statement of our own.
        let operatorName = grant.subjectMatch.rawValue
        if let index = candidates.first(where: { subjectValues(statements[$0], operator: operatorName, key: grant.subjectKey) != nil })
            ?? candidates.first(where: { !hasSubjectCondition(statements[$0], key: grant.subjectKey) }) {
            statements[index] = extend(statements[index], with: grant)
        } else {
            statements.append(grant.statement)
        }
        if policy["Version"] == nil { policy["Version"] = "2012-10-17" }
        policy["Statement"] = statementWasSingleObject && statements.count == 1 ? statements[0] : .array(statements)
        return .updated(.object(policy))
    }

    /// The statement lets the subject in: its subject condition names it exactly, and its audience
    /// condition (when there is one) includes the grant's audience.
    static func grants(_ statement: JSONValue, _ grant: WebIdentityGrant) -> Bool {
        let subjects = (subjectValues(statement, operator: "StringEquals", key: grant.subjectKey) ?? [])
            + (subjectValues(statement, operator: "StringLike", key: grant.subjectKey) ?? [])
        guard subjects.contains(grant.subject) else { return false }
        guard let audiences = subjectValues(statement, operator: "StringEquals", key: grant.audienceKey) else { return true }
        return audiences.contains(grant.audience)
    }

    static func subjectValues(_ statement: JSONValue, operator name: String, key: String) -> [String]? {
        guard let value = statement["Condition"]?[name]?[key] else { return nil }
        return PolicyGrammar.strings(value)
    }

    static func hasSubjectCondition(_ statement: JSONValue, key: String) -> Bool {
        guard let condition = statement["Condition"]?.object else { return false }
        return condition.contains { $0.value[key] != nil }
    }

    /// The statement with the subject appended to its subject list and the audience added when
    /// its audience list lacks it; everything else untouched.
    static func extend(_ statement: JSONValue, with grant: WebIdentityGrant) -> JSONValue {
        guard case .object(var object) = statement else { return statement }
        var condition = object["Condition"]?.object ?? JSONObject()
        var subjectOperator = condition[grant.subjectMatch.rawValue]?.object ?? JSONObject()
        subjectOperator[grant.subjectKey] = appending(grant.subject, to: subjectOperator[grant.subjectKey])
        condition[grant.subjectMatch.rawValue] = .object(subjectOperator)
        var equals = condition["StringEquals"]?.object ?? JSONObject()
        if let audiences = equals[grant.audienceKey] {
            if !PolicyGrammar.strings(audiences).contains(grant.audience) { equals[grant.audienceKey] = appending(grant.audience, to: audiences) }
        } else {
            equals[grant.audienceKey] = .string(grant.audience)
        }
        condition["StringEquals"] = .object(equals)
        object["Condition"] = .object(condition)
        return .object(object)
    }

    static func appending(_ value: String, to existing: JSONValue?) -> JSONValue {
        switch existing {
        case nil: .string(value)
        case .string(let old)?: .array([.string(old), .string(value)])
        case .array(let list)?: .array(list + [.string(value)])
        case let other?: .array([other, .string(value)])
        }
    }
}
