import JSONCore

/// Which statements of a trust policy let a provider's web identities call `sts:AssumeRoleWithWebIdentity`: the
/// one answer for the merge (which statement to extend), the check before a write, and the trust controller (does
/// the role trust `--issuer`'s provider).
///
/// A statement is one when all of these hold:
/// - `Effect` is `Allow` (IAM compares it case-sensitively);
/// - `Action` (a string or a list) holds `sts:AssumeRoleWithWebIdentity`, `sts:*` or `*`, in any letter case, as
///   IAM compares action names. Other wildcard patterns (`sts:AssumeRole*`) are not recognised, and a statement
///   with `NotAction` never is one: such broad grants are the user's, the merge writes a statement of its own
///   beside them and the controller refuses the role, naming the providers it did find;
/// - `Principal` is an object whose `Federated` (a string or a list) names the provider; `"Principal": "*"`,
///   `AWS`/`Service` principals and `NotPrincipal` name no provider.
public enum WebIdentityStatement {
    /// The federated principals `statement` lets assume the role with a web identity, in document order; empty
    /// when it is not such a statement.
    public static func providers(of statement: JSONValue) -> [String] {
        guard statement["Effect"]?.string == "Allow", statement["NotAction"] == nil,
              PolicyGrammar.strings(statement["Action"]).contains(where: allowsWebIdentity),
              statement["Principal"]?.object != nil
        else { return [] }
        return PolicyGrammar.strings(statement["Principal"]?["Federated"])
    }

    /// `statement` lets `providerARN`'s web identities assume the role (before its conditions are evaluated).
    public static func trusts(_ statement: JSONValue, providerARN: String) -> Bool {
        providers(of: statement).contains(providerARN)
    }

    /// One `Action` entry covers `sts:AssumeRoleWithWebIdentity`.
    static func allowsWebIdentity(_ action: String) -> Bool {
        switch action.lowercased() {
        case "sts:assumerolewithwebidentity", "sts:*", "*": true
        default: false
        }
    }
}
