import ArgumentParser
import PodIdentity

/// The Mutation flags, shared by `webhook serve` and `webhook mutate` (same names as upstream). Their defaults
/// are `MutationSettings`' (their one home), so the flags, the server and the tests cannot drift apart.
struct MutationOptions: ParsableArguments {
    private static let defaults = MutationSettings()

    @Option(help: "Prefix of the ServiceAccount and Pod annotations.")
    var annotationPrefix = defaults.annotationPrefix

    @Option(help: "Audience of web-identity tokens when the ServiceAccount names none.")
    var tokenAudience = defaults.tokenAudience

    @Option(help: "Where the web-identity token volume is mounted.")
    var tokenMountPath = defaults.tokenMountPath

    @Option(help: "Default token lifetime in seconds (at least 600 is used).")
    var tokenExpiration = defaults.tokenExpiration

    @Option(help: "Injected as AWS_DEFAULT_REGION and AWS_REGION when set (a <prefix>/region annotation wins).")
    var awsDefaultRegion = defaults.awsDefaultRegion

    @Flag(inversion: .prefixedNo, help: "Inject AWS_STS_REGIONAL_ENDPOINTS=regional unless the ServiceAccount says otherwise.")
    var stsRegionalEndpoint = defaults.stsRegionalEndpoint

    @Flag(inversion: .prefixedNo, help: "Turn role names without 'arn:' into role ARNs (needs --aws-account-id).")
    var composeRoleArn = false  // off: MutationSettings().roleARNComposition is nil

    @Option(help: "Partition of composed role ARNs.")
    var awsPartition = RoleARNComposition.defaultPartition

    @Option(help: "12-digit account of composed role ARNs.")
    var awsAccountId: String?

    @Flag(inversion: .prefixedNo, help: "Inject AWS_ROLE_SESSION_NAME from the pod's name (downward API) in web-identity mode.")
    var injectRoleSessionName = defaults.injectRoleSessionName

    @Option(help: "Injected as AWS_ENDPOINT_URL when set (a <prefix>/endpoint-url ServiceAccount annotation wins).")
    var endpointUrl = defaults.endpointURL

    @Flag(inversion: .prefixedNo, help: "Accept role ARNs with an empty or 20-character account ID (IAM-compatible providers) without a warning.")
    var allowNonAwsAccountId = defaults.allowNonAWSAccountID

    @Option(help: ArgumentHelp("EKS Pod Identity config: JSON {\"identities\":[{\"namespace\":..,\"serviceAccount\":..}]}.",
                               valueName: "file"))
    var watchContainerCredentialsConfig: String?

    @Option(help: "Audience of container-credentials tokens.")
    var containerCredentialsAudience = defaults.containerCredentials.audience

    @Option(help: "Where the container-credentials token volume is mounted.")
    var containerCredentialsTokenMountPath = defaults.containerCredentials.tokenMountPath

    @Option(help: "Name of the container-credentials token volume.")
    var containerCredentialsTokenVolumeName = defaults.containerCredentials.tokenVolumeName

    @Option(help: "File name of the container-credentials token inside its mount.")
    var containerCredentialsTokenPath = defaults.containerCredentials.tokenPath

    @Option(help: "Value of AWS_CONTAINER_CREDENTIALS_FULL_URI (an IPv6 host also gets AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6).")
    var containerCredentialsFullUri = defaults.containerCredentials.fullURI

    /// The validated settings; every error names its flag.
    func settings() throws -> MutationSettings {
        var settings = MutationSettings()
        guard !annotationPrefix.isEmpty, !annotationPrefix.contains("/") else {
            throw ValidationError("--annotation-prefix \"\(annotationPrefix)\": must be a non-empty DNS prefix without '/'")
        }
        settings.annotationPrefix = annotationPrefix
        settings.tokenAudience = tokenAudience
        settings.tokenMountPath = tokenMountPath
        settings.tokenExpiration = tokenExpiration
        settings.awsDefaultRegion = awsDefaultRegion
        settings.stsRegionalEndpoint = stsRegionalEndpoint
        if composeRoleArn {
            guard let account = awsAccountId, account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw ValidationError("--compose-role-arn needs --aws-account-id with a 12-digit account ID")
            }
            guard !awsPartition.isEmpty else { throw ValidationError("--aws-partition must not be empty with --compose-role-arn") }
            settings.roleARNComposition = RoleARNComposition(partition: awsPartition, accountID: account)
        }
        settings.injectRoleSessionName = injectRoleSessionName
        if !endpointUrl.isEmpty, let problem = EndpointURLSyntax.problem(endpointUrl) {
            throw ValidationError("--endpoint-url \"\(endpointUrl)\": \(problem)")
        }
        settings.endpointURL = endpointUrl
        settings.allowNonAWSAccountID = allowNonAwsAccountId
        settings.containerCredentials.audience = containerCredentialsAudience
        settings.containerCredentials.tokenMountPath = containerCredentialsTokenMountPath
        settings.containerCredentials.tokenVolumeName = containerCredentialsTokenVolumeName
        settings.containerCredentials.tokenPath = containerCredentialsTokenPath
        settings.containerCredentials.fullURI = containerCredentialsFullUri
        return settings
    }
}
