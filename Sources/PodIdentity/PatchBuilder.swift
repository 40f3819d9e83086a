import JSONCore

/// Builds upstream's changes as minimal, index-addressed `add` operations: the label, the token volume,
/// and per container only the env entries and the mount it lacks. Containers are never re-sent.
struct PatchBuilder {
    let settings: MutationSettings
    let identity: ResolvedIdentity
    let pod: PodDocument
    let tokenFiles: TokenFilePaths
    private(set) var operations: [JSONPatchOperation] = []
    private(set) var warnings: [String] = []

    /// The label upstream adds in container-credentials mode (not under `--annotation-prefix`).
    static let podIdentityLabel = "eks.amazonaws.com/pod-identity"

    init(settings: MutationSettings, identity: ResolvedIdentity, pod: PodDocument, tokenFiles: TokenFilePaths) {
        self.settings = settings
        self.identity = identity
        self.pod = pod
        self.tokenFiles = tokenFiles
    }

    var mode: MutationDecision.Mode {
        if case .containerCredentials = identity.credentials { return .containerCredentials }
        return .webIdentity
    }

    private var volumeName: String {
        mode == .containerCredentials ? settings.containerCredentials.tokenVolumeName : MutationSettings.webIdentityVolumeName
    }

    private var mountPath: String {
        mode == .containerCredentials ? settings.containerCredentials.tokenMountPath : settings.tokenMountPath
    }

    private var tokenPath: String {
        mode == .containerCredentials ? settings.containerCredentials.tokenPath : MutationSettings.webIdentityTokenPath
    }

    mutating func build() {
        if mode == .containerCredentials { addLabel() }
        addVolume()
        let skipped = skippedContainerNames()
        let tokenFile = tokenFiles.path(for: mode, windows: pod.isWindows)
        for container in pod.containers where !skipped.contains(container.name) {
            addIdentity(to: container, list: "containers", tokenFile: tokenFile)
        }
        for container in pod.initContainers where !skipped.contains(container.name) {
            addIdentity(to: container, list: "initContainers", tokenFile: tokenFile)
        }
    }

    private mutating func addLabel() {
        if pod.labels?[Self.podIdentityLabel] == "enabled" { return }
        let label: JSONValue = .object(JSONObject([(key: Self.podIdentityLabel, value: "enabled")]))
        if !pod.hasMetadata {
            operations.append(.add("/metadata", .object(JSONObject([(key: "labels", value: label)]))))
        } else if pod.labels == nil {
            operations.append(.add("/metadata/labels", label))
        } else {
            operations.append(.add("/metadata/labels/" + JSONPointer.escape(Self.podIdentityLabel), "enabled"))
        }
    }

    private mutating func addVolume() {
        if pod.volumeNames?.contains(volumeName) == true { return }
        var token = JSONObject()
        if !identity.audience.isEmpty { token["audience"] = .string(identity.audience) }
        token["expirationSeconds"] = .number(JSONNumber(identity.tokenExpiration))
        token["path"] = .string(tokenPath)
        let volume: JSONValue = [
            "name": .string(volumeName),
            "projected": ["sources": [["serviceAccountToken": .object(token)]]],
        ]
        // Prepended, as upstream: the resulting pod is the same as with the Go webhook.
        if pod.volumeNames == nil {
            operations.append(.add("/spec/volumes", [volume]))
        } else {
            operations.append(.add("/spec/volumes/0", volume))
        }
    }

    /// `<prefix>/skip-containers`, read as Go's encoding/csv reads its first record.
    private mutating func skippedContainerNames() -> Set<String> {
        let annotation = settings.annotationPrefix + "/skip-containers"
        guard let value = pod.annotations[annotation] else { return [] }
        let names: [String]
        do {
            names = try GoCSV.firstRecord(value)
        } catch {
            warnings.append("pod annotation \(annotation) \"\(value)\" is not valid CSV (\(error.reason)); no container skipped")
            return []
        }
        let existing = Set((pod.containers + pod.initContainers).map(\.name))
        for name in names where !existing.contains(name) {
            warnings.append("pod annotation \(annotation) names \"\(name)\", which matches no container")
        }
        return Set(names)
    }

    private mutating func addIdentity(to container: PodContainer, list: String, tokenFile: String) {
        // A linear scan: env lists are short, and hashing every name costs more than comparing a few.
        let defined = container.envNames ?? []
        let modeKeys: (String, String)
        let modeValues: (String, String)
        switch identity.credentials {
        case .webIdentity(let roleARN):
            modeKeys = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
            modeValues = (roleARN, tokenFile)
        case .containerCredentials:
            modeKeys = ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            modeValues = (settings.containerCredentials.fullURI, tokenFile)
        }
        let hasFirst = defined.contains(modeKeys.0), hasSecond = defined.contains(modeKeys.1)
        let modeKeysDefined = hasFirst || hasSecond
        let regionDefined = defined.contains("AWS_REGION") || defined.contains("AWS_DEFAULT_REGION")
        let stsDefined = defined.contains("AWS_STS_REGIONAL_ENDPOINTS")
        if hasFirst != hasSecond {
            let (present, missing) = hasFirst ? modeKeys : (modeKeys.1, modeKeys.0)
            warnings.append("container \"\(container.name)\" defines \(present) but not \(missing); its credential variables were left as they are")
        }
        // Upstream's early return: the container is left entirely alone, mount included.
        if modeKeysDefined && regionDefined && stsDefined { return }

        var env: [JSONValue] = []
        if !stsDefined && identity.useRegionalSTS { env.append(Self.envVar("AWS_STS_REGIONAL_ENDPOINTS", "regional")) }
        if !regionDefined && !settings.awsDefaultRegion.isEmpty {
            env.append(Self.envVar("AWS_DEFAULT_REGION", settings.awsDefaultRegion))
            env.append(Self.envVar("AWS_REGION", settings.awsDefaultRegion))
        }
        if !modeKeysDefined {
            env.append(Self.envVar(modeKeys.0, modeValues.0))
            env.append(Self.envVar(modeKeys.1, modeValues.1))
        }
        let base = "/spec/\(list)/\(container.index)"
        append(env, to: base + "/env", exists: container.envNames != nil)
        if container.mountNames?.contains(volumeName) != true {
            let mount = JSONValue.object(JSONObject([
                (key: "name", value: .string(volumeName)), (key: "readOnly", value: .bool(true)),
                (key: "mountPath", value: .string(mountPath)),
            ]))
            append([mount], to: base + "/volumeMounts", exists: container.mountNames != nil)
        }
    }

    /// Appends to an existing list item by item, or creates the list in one operation.
    private mutating func append(_ items: [JSONValue], to path: String, exists: Bool) {
        guard !items.isEmpty else { return }
        if exists {
            for item in items { operations.append(.add(path + "/-", item)) }
        } else {
            operations.append(.add(path, .array(items)))
        }
    }

    private static func envVar(_ name: String, _ value: String) -> JSONValue {
        .object(JSONObject([(key: "name", value: .string(name)), (key: "value", value: .string(value))]))
    }
}
