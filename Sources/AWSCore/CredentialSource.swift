/// Where credentials come from, decided from the environment and the shared files without any I/O
/// beyond what was already read. The order is the AWS SDKs' default chain.
public indirect enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
    case environment(AWSCredentials)
    /// STS AssumeRoleWithWebIdentity with the token read from the file on every refresh.
    case webIdentity(roleARN: String, tokenFile: String, sessionName: String?, origin: String)
    /// Keys written in a profile.
    case profile(name: String, credentials: AWSCredentials)
    /// STS AssumeRole with credentials from another source (`role_arn` + `source_profile` or `credential_source`).
    case assumeRole(roleARN: String, sessionName: String?, externalID: String?, profile: String, source: CredentialSource)
    /// The ECS / EKS Pod Identity endpoint.
    case container(url: String, authorization: ContainerAuthorization)
    /// IMDSv2 (token first, then the instance role's credentials).
    case instanceMetadata(endpoint: String)

    public enum ContainerAuthorization: Sendable, Equatable {
        case none
        case tokenFile(String)
        case token(String)
    }

    public var description: String {
        switch self {
        case .environment: "environment (AWS_ACCESS_KEY_ID)"
        case .webIdentity(let role, let file, _, let origin): "web identity (\(origin): \(role), token \(file))"
        case .profile(let name, _): "shared files (profile \(name))"
        case .assumeRole(let role, _, _, let profile, let source): "assume role \(role) (profile \(profile)) from \(source)"
        case .container(let url, _): "container credentials (\(url))"
        case .instanceMetadata(let endpoint): "instance metadata (IMDSv2 at \(endpoint))"
        }
    }

    /// The first source of the default chain that is configured.
    /// - Parameter profileName: `--profile`, else `AWS_PROFILE`, else `default`.
    public static func resolve(environment: [String: String], shared: SharedConfiguration,
                               profileName: String? = nil) throws(AWSConfigurationError) -> CredentialSource {
        let env = environment.filter { !$0.value.isEmpty }
        // 1. Environment.
        switch (env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]) {
        case let (id?, secret?):
            return .environment(AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"]))
        case (.some, nil):
            throw .invalidCredentialsSetting(source: "AWS_ACCESS_KEY_ID", problem: "is set but AWS_SECRET_ACCESS_KEY is not")
        case (nil, .some):
            throw .invalidCredentialsSetting(source: "AWS_SECRET_ACCESS_KEY", problem: "is set but AWS_ACCESS_KEY_ID is not")
        case (nil, nil):
            break
        }
        // 2. Web identity from the environment (what this webhook injects into pods).
        if let tokenFile = env["AWS_WEB_IDENTITY_TOKEN_FILE"] {
            guard let role = env["AWS_ROLE_ARN"] else {
                throw .invalidCredentialsSetting(source: "AWS_WEB_IDENTITY_TOKEN_FILE", problem: "is set but AWS_ROLE_ARN is not")
            }
            return .webIdentity(roleARN: role, tokenFile: tokenFile, sessionName: env["AWS_ROLE_SESSION_NAME"], origin: "AWS_ROLE_ARN")
        }
        // 3. Shared files.
        let explicitProfile = profileName ?? env["AWS_PROFILE"]
        let name = explicitProfile ?? "default"
        if let source = try profileSource(name, shared: shared, environment: env, visited: []) {
            return source
        } else if explicitProfile != nil, shared.profile(name) == nil {
            throw .missingProfile(name: name, files: shared.paths)
        }
        // 4. Container credentials.
        if let source = try containerSource(env) { return source }
        // 5. IMDSv2, unless disabled.
        if env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            throw .noCredentials(tried: ["environment", "web identity", "shared files (profile \(name))", "container", "IMDS (disabled)"])
        }
        return .instanceMetadata(endpoint: env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254")
    }

    /// The region for a profile: `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    public static func region(environment: [String: String], shared: SharedConfiguration, profileName: String? = nil) -> String? {
        let env = environment.filter { !$0.value.isEmpty }
        return env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"]
            ?? shared.profile(profileName ?? env["AWS_PROFILE"] ?? "default")?["region"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static func profileSource(_ name: String, shared: SharedConfiguration, environment: [String: String],
                              visited: [String]) throws(AWSConfigurationError) -> CredentialSource? {
        guard !visited.contains(name) else { throw .profileCycle(visited + [name]) }
        guard let values = shared.profile(name) else {
            if visited.isEmpty { return nil }
            throw .missingProfile(name: name, files: shared.paths)
        }
        let staticKeys: AWSCredentials? = switch (values["aws_access_key_id"], values["aws_secret_access_key"]) {
        case let (id?, secret?) where !id.isEmpty && !secret.isEmpty:
            AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
        default: nil
        }
        guard let role = values["role_arn"], !role.isEmpty else {
            if let staticKeys { return .profile(name: name, credentials: staticKeys) }
            if !visited.isEmpty { throw .incompleteProfile(name: name, problem: "has neither keys nor role_arn, so it cannot be a source_profile") }
            return nil
        }
        let sessionName = values["role_session_name"]
        if let tokenFile = values["web_identity_token_file"] {
            return .webIdentity(roleARN: role, tokenFile: tokenFile, sessionName: sessionName, origin: "profile \(name)")
        }
        let source: CredentialSource
        switch (values["source_profile"], values["credential_source"]) {
        case (.some, .some):
            throw .incompleteProfile(name: name, problem: "has both source_profile and credential_source")
        case (let sourceProfile?, nil):
            // A profile naming itself uses its own keys (botocore allows this).
            if sourceProfile == name, let staticKeys {
                source = .profile(name: name, credentials: staticKeys)
            } else {
                guard let resolved = try profileSource(sourceProfile, shared: shared, environment: environment, visited: visited + [name]) else {
                    throw .missingProfile(name: sourceProfile, files: shared.paths)
                }
                source = resolved
            }
        case (nil, let credentialSource?):
            switch credentialSource {
            case "Environment":
                guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
                    throw .incompleteProfile(name: name, problem: "credential_source = Environment but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
                }
                source = .environment(AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"]))
            case "EcsContainer":
                guard let container = try containerSource(environment) else {
                    throw .incompleteProfile(name: name, problem: "credential_source = EcsContainer but no AWS_CONTAINER_CREDENTIALS_* variable is set")
                }
                source = container
            case "Ec2InstanceMetadata":
                source = .instanceMetadata(endpoint: environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"] ?? "http://169.254.169.254")
            default:
                throw .incompleteProfile(name: name, problem: "credential_source '\(credentialSource)' is not Environment, EcsContainer or Ec2InstanceMetadata")
            }
        case (nil, nil):
            throw .incompleteProfile(name: name, problem: "role_arn needs source_profile, credential_source or web_identity_token_file")
        }
        return .assumeRole(roleARN: role, sessionName: sessionName, externalID: values["external_id"], profile: name, source: source)
    }

    static func containerSource(_ env: [String: String]) throws(AWSConfigurationError) -> CredentialSource? {
        let authorization: ContainerAuthorization =
            env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].map { .tokenFile($0) } ?? env["AWS_CONTAINER_AUTHORIZATION_TOKEN"].map { .token($0) } ?? .none
        if let relative = env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            return .container(url: "http://169.254.170.2" + (relative.hasPrefix("/") ? relative : "/" + relative), authorization: authorization)
        }
        guard let full = env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] else { return nil }
        let url = try EndpointURL(parsing: full, source: "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        // Plain HTTP only to the container agents' link-local addresses or loopback, as the SDKs require.
        let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"]
        guard url.scheme == .https || allowedHTTPHosts.contains(url.host) || url.host.hasPrefix("127.") else {
            throw .invalidCredentialsSetting(source: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                problem: "plain http is allowed only to loopback or the ECS/EKS agent addresses, not \(url.host)")
        }
        return .container(url: full, authorization: authorization)
    }
}
