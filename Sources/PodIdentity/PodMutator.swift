import JSONCore

/// Decides a pod's identity and builds the minimal JSON Patch that gives it. Pure: the ServiceAccount
/// record and the identity snapshot are inputs; randomness comes only from the injected jitter.
/// A class: the resolver and the patch builder of every mutation refer to it instead of copying the settings.
public final class PodMutator: Sendable {
    public let settings: MutationSettings
    public let jitter: ExpirationJitter
    let tokenFiles: TokenFilePaths
    /// The patch's pieces that depend only on the settings.
    let fragments: PatchFragments
    /// The pod annotations read per request (`<prefix>/token-expiration`, ...), made once.
    let tokenExpirationAnnotation: String
    let skipContainersAnnotation: String
    let includeContainersAnnotation: String
    let regionAnnotation: String
    /// `<prefix>/aws-config`: the role chain's config file, written by the webhook; its JSON Pointer and the
    /// downward API field path that projects it.
    let awsConfigAnnotation: String
    let awsConfigAnnotationPointer: String
    let awsConfigAnnotationFieldPath: String
    /// The container-credentials URI's host is an IPv6 literal (then `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`).
    let ipv6CredentialsEndpoint: Bool

    public init(settings: MutationSettings, jitter: ExpirationJitter = .system) {
        self.settings = settings
        self.jitter = jitter
        self.tokenFiles = TokenFilePaths(settings: settings)
        fragments = PatchFragments(settings: settings, tokenFiles: tokenFiles)
        tokenExpirationAnnotation = settings.annotationPrefix + "/token-expiration"
        skipContainersAnnotation = settings.annotationPrefix + "/skip-containers"
        includeContainersAnnotation = settings.annotationPrefix + "/include-containers"
        regionAnnotation = settings.annotationPrefix + "/region"
        awsConfigAnnotation = settings.annotationPrefix + "/aws-config"
        awsConfigAnnotationPointer = "/metadata/annotations/" + JSONPointer.escape(awsConfigAnnotation)
        ipv6CredentialsEndpoint = CredentialsURISyntax.hasIPv6Host(settings.containerCredentials.fullURI)
        awsConfigAnnotationFieldPath = "metadata.annotations['\(awsConfigAnnotation)']"
    }

    /// The ServiceAccount a pod needs looked up: `namespace` is the admission request's (or, when empty, the pod's).
    public func serviceAccountKey(for pod: PodDocument, namespace: String) -> ServiceAccountKey {
        ServiceAccountKey(namespace: namespace.isEmpty ? pod.namespace : namespace, name: pod.serviceAccountName)
    }

    public func mutate(_ pod: PodDocument, namespace requestNamespace: String, record: ServiceAccountRecord?,
                       snapshot: IdentitySnapshot) -> MutationDecision {
        let key = serviceAccountKey(for: pod, namespace: requestNamespace)
        var resolver = IdentityResolver(mutator: self)
        var identity: ResolvedIdentity
        let annotations = ServiceAccountAnnotations(record), podValues = PodAnnotationValues(pod.annotations, mutator: self)
        switch resolver.resolve(key: key, record: record, annotations: annotations, snapshot: snapshot, pod: podValues) {
        case .failure(let none):
            return MutationDecision(mode: .none, reason: none.reason, patchDocument: JSONPatchDocument(), warnings: resolver.warnings,
                                    namespace: key.namespace, podName: pod.displayName, serviceAccount: key.name)
        case .success(let resolved):
            identity = resolved
        }
        resolver.resolveFeatures(of: &identity, annotations: annotations, podValues: podValues, pod: pod)
        var decision = MutationDecision(mode: .none, reason: identity.reason, patchDocument: JSONPatchDocument(), warnings: [],
                                        namespace: key.namespace, podName: pod.displayName, serviceAccount: key.name)
        var builder = PatchBuilder(mutator: self, identity: identity, pod: pod)
        builder.build()
        decision.mode = builder.mode
        decision.patchDocument = builder.patch
        decision.warnings = resolver.warnings + builder.warnings
        decision.tokenExpiration = identity.tokenExpiration
        if case .webIdentity(let arn) = identity.credentials { decision.roleARN = arn }
        decision.features = identity.features
        if builder.patch.isEmpty { decision.reason = .alreadyComplete(identity.reason) }
        return decision
    }
}
