import ArgumentParser
import PodIdentity

/// The Mutation flags, shared by `webhook serve` and `webhook mutate` (same names and defaults as upstream).
struct MutationOptions: ParsableArguments {
    @Option(help: "Prefix of the ServiceAccount and Pod annotations.")
    var annotationPrefix = "eks.amazonaws.com"

    @Option(help: "Audience of web-identity tokens when the ServiceAccount names none.")
    var tokenAudience = "sts.amazonaws.com"

    @Option(help: "Where the web-identity token volume is mounted.")
    var tokenMountPath = "/var/run/secrets/eks.amazonaws.com/serviceaccount"

    @Option(help: "Default token lifetime in seconds (at least 600 is used).")
    var tokenExpiration: Int64 = TokenExpiration.defaultSeconds

    @Option(help: "Injected as AWS_DEFAULT_REGION and AWS_REGION when set.")
    var awsDefaultRegion = ""

    @Flag(inversion: .prefixedNo, help: "Inject AWS_STS_REGIONAL_ENDPOINTS=regional unless the ServiceAccount says otherwise.")
    var stsRegionalEndpoint = false

    @Flag(inversion: .prefixedNo, help: "Turn role names without 'arn:' into role ARNs (needs --aws-account-id).")
    var composeRoleArn = false

    @Option(help: "Partition of composed role ARNs.")
    var awsPartition = "aws"

    @Option(help: "12-digit account of composed role ARNs.")
    var awsAccountId: String?

    @Option(help: ArgumentHelp("EKS Pod Identity config: JSON {\"identities\":[{\"namespace\":..,\"serviceAccount\":..}]}.",
                               valueName: "file"))
    var watchContainerCredentialsConfig: String?

    @Option(help: "Audience of container-credentials tokens.")
    var containerCredentialsAudience = "pods.eks.amazonaws.com"

    @Option(help: "Where the container-credentials token volume is mounted.")
    var containerCredentialsTokenMountPath = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount"

    @Option(help: "Name of the container-credentials token volume.")
    var containerCredentialsTokenVolumeName = "eks-pod-identity-token"

    @Option(help: "File name of the container-credentials token inside its mount.")
    var containerCredentialsTokenPath = "eks-pod-identity-token"

    @Option(help: "Value of AWS_CONTAINER_CREDENTIALS_FULL_URI.")
    var containerCredentialsFullUri = "http://169.254.170.23/v1/credentials"

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
        settings.containerCredentials.audience = containerCredentialsAudience
        settings.containerCredentials.tokenMountPath = containerCredentialsTokenMountPath
        settings.containerCredentials.tokenVolumeName = containerCredentialsTokenVolumeName
        settings.containerCredentials.tokenPath = containerCredentialsTokenPath
        settings.containerCredentials.fullURI = containerCredentialsFullUri
        return settings
    }
}
