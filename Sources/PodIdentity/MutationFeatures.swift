/// What this webhook adds to upstream's mutation for one pod, as resolved from the ServiceAccount's and the pod's
/// annotations and the flags. Empty for a pod that uses none of it (every upstream fixture).
public struct MutationFeatures: Sendable, Equatable {
    /// `container-role-arns`: container name -> role ARN (composed, as injected).
    public var containerRoleARNs: [String: String] = [:]
    /// `target-role-arn` (+ `external-id`): the containers on the ServiceAccount's role assume this one through
    /// an AWS config file.
    public var roleChain: RoleChain?
    /// `AWS_REGION`/`AWS_DEFAULT_REGION` and where the value came from.
    public var region: Setting?
    /// `AWS_ENDPOINT_URL` and where it came from.
    public var endpointURL: Setting?
    /// `AWS_ROLE_SESSION_NAME` from the pod's name (downward API), and why.
    public var roleSessionName: Setting?
    /// `skip-containers` / `include-containers` in effect, with their sources.
    public var selection = ContainerSelection()
    /// The container-credentials URI has an IPv6 host: `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6` is injected.
    public var ipv6CredentialsEndpoint = false

    public init() {}

    /// A value and what set it (`pod annotation eks.amazonaws.com/region`, `--endpoint-url`, ...).
    public struct Setting: Sendable, Equatable {
        public var value: String
        public var source: String
    }

    /// The lines `webhook mutate --explain` prints, one per decision taken.
    public var explanation: [String] {
        var lines: [String] = []
        for name in containerRoleARNs.keys.sorted() { lines.append("container role: \(name) -> \(containerRoleARNs[name]!)") }
        if let chain = roleChain {
            lines.append("role chain: \(chain.sourceRoleARN) -> \(chain.targetRoleARN)"
                + (chain.externalID == nil ? "" : " (with external ID)")
                + "; config file \(chain.configFilePath), profile \(RoleChain.targetProfile)")
        }
        if let region { lines.append("region: \(region.value) (\(region.source))") }
        if let endpointURL { lines.append("endpoint URL: \(endpointURL.value) (\(endpointURL.source))") }
        if let roleSessionName { lines.append("role session name: the pod's name via fieldRef metadata.name (\(roleSessionName.source))") }
        if let skip = selection.skip { lines.append("skip containers: \(skip.names.sorted().joined(separator: ", ")) (\(skip.source))") }
        if let include = selection.include {
            lines.append("include containers: \(include.names.sorted().joined(separator: ", ")) (\(include.source))")
        }
        if ipv6CredentialsEndpoint { lines.append("IPv6 credentials endpoint: AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6 added") }
        return lines
    }
}

/// Which containers a pod's mutation touches: all, minus `skip`, and when `include` is set only those.
public struct ContainerSelection: Sendable, Equatable {
    public struct List: Sendable, Equatable {
        public var names: Set<String>
        public var source: String
    }

    public var skip: List?
    public var include: List?

    /// Skip wins over include.
    func selects(_ name: String) -> Bool {
        if let skip, skip.names.contains(name) { return false }
        if let include { return include.names.contains(name) }
        return true
    }
}

/// Cross-account chaining: the web-identity role is the source profile of the target role's profile.
public struct RoleChain: Sendable, Equatable {
    public var sourceRoleARN: String
    public var targetRoleARN: String
    public var externalID: String?
    /// Where the container reads the config file (beside the token).
    public var configFilePath: String
    public var tokenFilePath: String
    public var region: String?

    /// The config file's name inside the token volume, and its two profiles.
    public static let configFileName = "aws-config"
    public static let sourceProfile = "irsa-web-identity"
    public static let targetProfile = "irsa-target"

    /// The AWS shared config file (every value was checked to hold no line break).
    public var configFile: String {
        var text = "[profile \(Self.sourceProfile)]\nrole_arn = \(sourceRoleARN)\nweb_identity_token_file = \(tokenFilePath)\n"
        if let region { text += "region = \(region)\n" }
        text += "\n[profile \(Self.targetProfile)]\nrole_arn = \(targetRoleARN)\nsource_profile = \(Self.sourceProfile)\n"
        if let externalID { text += "external_id = \(externalID)\n" }
        if let region { text += "region = \(region)\n" }
        return text
    }
}
