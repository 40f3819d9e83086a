/// Every setting that shapes a mutation: the `Mutation` flags of `webhook serve` and `webhook mutate`,
/// with upstream's defaults. The one home of those defaults: the flags take theirs from `MutationSettings()`.
public struct MutationSettings: Sendable, Equatable {
    /// Prefix of the ServiceAccount and Pod annotations (`<prefix>/role-arn`, ...).
    public var annotationPrefix = "eks.amazonaws.com"
    /// Audience of web-identity tokens when the ServiceAccount does not name one.
    public var tokenAudience = "sts.amazonaws.com"
    public var tokenMountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount"
    /// Default token lifetime in seconds; `effectiveTokenExpiration` applies the 600 s floor.
    public var tokenExpiration: Int64 = TokenExpiration.defaultSeconds
    /// Injected as `AWS_DEFAULT_REGION` and `AWS_REGION` when not empty.
    public var awsDefaultRegion = ""
    /// Default for `AWS_STS_REGIONAL_ENDPOINTS=regional`.
    public var stsRegionalEndpoint = false
    /// When set, role names without `arn:` become full role ARNs in this partition and account.
    public var roleARNComposition: RoleARNComposition?
    public var containerCredentials = ContainerCredentialsSettings()
    /// `--inject-role-session-name`: `AWS_ROLE_SESSION_NAME` from the pod's name (downward API) unless the
    /// ServiceAccount's `role-session-name` says `none`.
    public var injectRoleSessionName = false
    /// `--endpoint-url` (upstream PR #302): injected as `AWS_ENDPOINT_URL` when not empty.
    public var endpointURL = ""
    /// `--allow-non-aws-account-id` (upstream PR #302): role ARNs may carry an empty or 20-character account
    /// ID (IAM-compatible providers such as MinIO or RadosGW) without a warning.
    public var allowNonAWSAccountID = false

    public init() {}

    /// `--token-expiration`, clamped to at least 600 s as upstream does at startup.
    public var effectiveTokenExpiration: Int64 { TokenExpiration.clamped(tokenExpiration) }

    /// The web-identity volume and the token file inside it: fixed names, as upstream.
    public static let webIdentityVolumeName = "aws-iam-token"
    public static let webIdentityTokenPath = "token"
}

/// `--compose-role-arn` with `--aws-partition` and `--aws-account-id`.
public struct RoleARNComposition: Sendable, Equatable {
    /// `--aws-partition`'s default.
    public static let defaultPartition = "aws"

    public var partition: String
    public var accountID: String

    public init(partition: String, accountID: String) {
        self.partition = partition
        self.accountID = accountID
    }

    /// `arn:{partition}:iam::{account}:role/{name}` for values without `arn:`, as upstream.
    public func compose(_ value: String) -> String {
        value.contains("arn:") ? value : "arn:\(partition):iam::\(accountID):role/\(value)"
    }
}

/// The `--container-credentials-*` flags (EKS Pod Identity mode).
public struct ContainerCredentialsSettings: Sendable, Equatable {
    public var audience = "pods.eks.amazonaws.com"
    public var tokenMountPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"
    public var tokenVolumeName = "eks-pod-identity-token"
    public var tokenPath = "eks-pod-identity-token"
    public var fullURI = "http://169.254.170.23/v1/credentials"

    public init() {}
}
