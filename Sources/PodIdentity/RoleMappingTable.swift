import JSONCore

/// One entry of the `pod-identity-webhook` ConfigMap: a role for ServiceAccounts that carry no annotation.
public struct RoleMapping: Sendable, Equatable {
    public var roleARN: String
    /// nil: the `--token-audience` default applies (upstream leaves the token without audience).
    public var audience: String?
    /// nil: false, as upstream (the flag does not apply to ConfigMap entries).
    public var useRegionalSTS: Bool?
    /// nil or 0: `--token-expiration`; otherwise clamped to at least 600 s (upstream does not clamp).
    public var tokenExpiration: Int64?

    public init(roleARN: String, audience: String? = nil, useRegionalSTS: Bool? = nil, tokenExpiration: Int64? = nil) {
        self.roleARN = roleARN
        self.audience = audience
        self.useRegionalSTS = useRegionalSTS
        self.tokenExpiration = tokenExpiration
    }
}

/// The `pod-identity-webhook` ConfigMap's `data.config`: `"namespace/serviceaccount"` -> `RoleMapping`.
/// The namespace may be `*` (any namespace) or a prefix glob such as `team-*`.
/// Lookup precedence: exact key, then the longest matching prefix glob, then `*`.
public struct RoleMappingTable: Sendable, Equatable {
    private var exact: [ServiceAccountKey: RoleMapping] = [:]
    /// (namespace prefix, service account name, mapping), longest prefix first.
    private var globs: [NamespaceGlob] = []
    private var anyNamespace: [String: RoleMapping] = [:]

    struct NamespaceGlob: Sendable, Equatable {
        var prefix: String
        var name: String
        var mapping: RoleMapping
    }

    public init() {}

    public var isEmpty: Bool { exact.isEmpty && globs.isEmpty && anyNamespace.isEmpty }
    public var count: Int { exact.count + globs.count + anyNamespace.count }

    /// The mapping for a ServiceAccount, by precedence exact > prefix glob > `*`.
    public func lookup(_ key: ServiceAccountKey) -> RoleMapping? {
        if let mapping = exact[key] { return mapping }
        if let glob = globs.first(where: { $0.name == key.name && key.namespace.hasPrefix($0.prefix) }) {
            return glob.mapping
        }
        return anyNamespace[key.name]
    }

    /// Only the exact `namespace/name` entry: what container-credentials mode consults, as upstream.
    public func exactEntry(_ key: ServiceAccountKey) -> RoleMapping? { exact[key] }

    /// Adds an entry under a ConfigMap key; returns why the key is unusable, if it is.
    mutating func insert(key: String, mapping: RoleMapping) -> String? {
        guard let slash = key.firstIndex(of: "/") else { return "key \"\(key)\" has no \"/\" (expected namespace/serviceaccount)" }
        let namespace = String(key[..<slash]), name = String(key[key.index(after: slash)...])
        guard !namespace.isEmpty, !name.isEmpty, !name.contains("/") else {
            return "key \"\(key)\" is not of the form namespace/serviceaccount"
        }
        guard !name.contains("*") else { return "key \"\(key)\": globs are supported only in the namespace" }
        if namespace == "*" {
            anyNamespace[name] = mapping
        } else if let star = namespace.firstIndex(of: "*") {
            guard namespace.index(after: star) == namespace.endIndex else {
                return "key \"\(key)\": a namespace glob may only end with \"*\" (e.g. team-*)"
            }
            let prefix = String(namespace[..<star])
            globs.removeAll { $0.prefix == prefix && $0.name == name }
            globs.append(NamespaceGlob(prefix: prefix, name: name, mapping: mapping))
            globs.sort { $0.prefix.count > $1.prefix.count }
        } else {
            exact[ServiceAccountKey(namespace: namespace, name: name)] = mapping
        }
        return nil
    }
}

/// Why `data.config` cannot be used at all.
public struct RoleMappingConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "pod-identity-webhook ConfigMap data.config: \(reason)" }
}

extension RoleMappingTable {
    /// Parses `data.config`. Entries that cannot be used are skipped and reported in `warnings`
    /// (upstream panics on a key without `/`); a config that is not a JSON object throws.
    public static func parse(config: String) throws(RoleMappingConfigError) -> (table: RoleMappingTable, warnings: [String]) {
        let document: JSONValue
        do {
            document = try JSON.parse(config)
        } catch {
            throw RoleMappingConfigError(reason: "not valid JSON: \(error)")
        }
        guard let object = document.object else {
            throw RoleMappingConfigError(reason: "expected a JSON object, got \(document.typeName)")
        }
        var table = RoleMappingTable()
        var warnings: [String] = []
        var seen = Set<String>()
        for key in object.keys where seen.insert(key).inserted {
            let value = object[key]!  // the last duplicate wins, as in Go
            do {
                let mapping = try RoleMapping(configValue: value)
                if let problem = table.insert(key: key, mapping: mapping) {
                    warnings.append("pod-identity-webhook ConfigMap: skipped \(problem)")
                }
            } catch {
                warnings.append("pod-identity-webhook ConfigMap: skipped key \"\(key)\": \(error.reason)")
            }
        }
        return (table, warnings)
    }
}

extension RoleMapping {
    /// Reads an entry as Go's encoding/json does: field names case-insensitive, an exact-case match preferred.
    init(configValue: JSONValue) throws(RoleMappingConfigError) {
        guard let object = configValue.object else {
            throw RoleMappingConfigError(reason: "expected an object, got \(configValue.typeName)")
        }
        func field(_ name: String) -> JSONValue? {
            if let value = object[name], !value.isNull { return value }
            let lowered = name.lowercased()
            return object.members.last { $0.key.lowercased() == lowered && !$0.value.isNull }?.value
        }
        func string(_ name: String) throws(RoleMappingConfigError) -> String? {
            guard let value = field(name) else { return nil }
            guard let text = value.string else { throw RoleMappingConfigError(reason: "\(name) must be a string, got \(value.typeName)") }
            return text
        }
        roleARN = try string("RoleARN") ?? ""
        audience = try string("Audience").flatMap { $0.isEmpty ? nil : $0 }
        if let value = field("UseRegionalSTS") {
            guard let flag = value.bool else { throw RoleMappingConfigError(reason: "UseRegionalSTS must be a boolean, got \(value.typeName)") }
            useRegionalSTS = flag
        }
        if let value = field("TokenExpiration") {
            guard let seconds = value.int64 else { throw RoleMappingConfigError(reason: "TokenExpiration must be an integer, got \(value)") }
            tokenExpiration = seconds == 0 ? nil : seconds
        }
    }
}
