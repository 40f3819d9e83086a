import PodIdentity

/// Rewrites Go-style boolean flags (`--flag=false`, `--flag=1`) into the forms ArgumentParser knows
/// (`--no-flag`, `--flag`), so container args written for the upstream Go webhook keep working.
enum GoStyleArguments {
    /// Every boolean flag of every subcommand; each is declared with `inversion: .prefixedNo`.
    static let booleanFlags: Set<String> = [
        "in-cluster", "sts-regional-endpoint", "watch-config-map", "compose-role-arn",
        "enable-debugging-handlers", "dry-run", "logtostderr", "explain", "include-empty-kid", "all-service-accounts",
    ]

    static func normalize(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return argument }
            let name = String(argument[argument.index(argument.startIndex, offsetBy: 2)..<equals])
            guard booleanFlags.contains(name) else { return argument }
            switch GoSyntax.parseBool(String(argument[argument.index(after: equals)...])) {
            case true?: return "--\(name)"
            case false?: return "--no-\(name)"
            case nil: return argument  // left as is: ArgumentParser then names the bad flag
            }
        }
    }
}
