import JSONCore

/// Builds upstream's changes as minimal, index-addressed `add` operations: the label, the token volume,
/// and per container only the env entries and the mount it lacks. Containers are never re-sent.
struct PatchBuilder {
    /// Read through the mutator (a class): copying the settings per pod would retain each of their strings.
    let mutator: PodMutator
    let identity: ResolvedIdentity
    let pod: PodDocument
    private(set) var patch = JSONPatchDocument()
    private(set) var warnings: [String] = []

    init(mutator: PodMutator, identity: ResolvedIdentity, pod: PodDocument) {
        self.mutator = mutator
        self.identity = identity
        self.pod = pod
    }

    var mode: MutationDecision.Mode {
        if case .containerCredentials = identity.credentials { return .containerCredentials }
        return .webIdentity
    }

    private var volumeName: String {
        mode == .containerCredentials ? mutator.settings.containerCredentials.tokenVolumeName : MutationSettings.webIdentityVolumeName
    }

    private var mountPath: String {
        mode == .containerCredentials ? mutator.settings.containerCredentials.tokenMountPath : mutator.settings.tokenMountPath
    }

    private var tokenPath: String {
        mode == .containerCredentials ? mutator.settings.containerCredentials.tokenPath : MutationSettings.webIdentityTokenPath
    }

    mutating func build() {
        if mode == .containerCredentials { addLabel() }
        addVolume()
        let skipped = skippedContainerNames()
        let tokenFile = mutator.tokenFiles.path(for: mode, windows: pod.isWindows)
        for container in pod.containers where !skipped.contains(container.name) {
            addIdentity(to: container, list: "containers", tokenFile: tokenFile)
        }
        for container in pod.initContainers where !skipped.contains(container.name) {
            addIdentity(to: container, list: "initContainers", tokenFile: tokenFile)
        }
    }

    /// `eks.amazonaws.com/pod-identity: enabled`, which upstream adds in container-credentials mode (not under
    /// `--annotation-prefix`).
    private mutating func addLabel() {
        if pod.podIdentityLabel == "enabled" { return }
        if !pod.hasMetadata {
            patch.add { $0.raw("/metadata") } value: { $0.raw(#"{"labels":{"eks.amazonaws.com/pod-identity":"enabled"}}"#) }
        } else if !pod.hasLabels {
            patch.add { $0.raw("/metadata/labels") } value: { $0.raw(#"{"eks.amazonaws.com/pod-identity":"enabled"}"#) }
        } else {
            patch.add { $0.raw("/metadata/labels/eks.amazonaws.com~1pod-identity") } value: { $0.raw(#""enabled""#) }
        }
    }

    private mutating func addVolume() {
        if pod.volumeNames?.contains(volumeName) == true { return }
        let (name, audience, expiration, path) = (volumeName, identity.audience, identity.tokenExpiration, tokenPath)
        func writeVolume(_ out: inout JSONByteWriter) {
            out.raw(#"{"name":"#)
            out.string(name)
            out.raw(#","projected":{"sources":[{"serviceAccountToken":{"#)
            if !audience.isEmpty {
                out.raw(#""audience":"#)
                out.string(audience)
                out.raw(",")
            }
            out.raw(#""expirationSeconds":"#)
            out.integer(expiration)
            out.raw(#","path":"#)
            out.string(path)
            out.raw("}}]}}")
        }
        // Prepended, as upstream: the resulting pod is the same as with the Go webhook.
        if pod.volumeNames == nil {
            patch.add { $0.raw("/spec/volumes") } value: { out in
                out.raw("[")
                writeVolume(&out)
                out.raw("]")
            }
        } else {
            patch.add { $0.raw("/spec/volumes/0") } value: { writeVolume(&$0) }
        }
    }

    /// `<prefix>/skip-containers`, read as Go's encoding/csv reads its first record.
    private mutating func skippedContainerNames() -> Set<String> {
        let annotation = mutator.skipContainersAnnotation
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

    private mutating func addIdentity(to container: PodContainer, list: StaticString, tokenFile: String) {
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
            modeValues = (mutator.settings.containerCredentials.fullURI, tokenFile)
        }
        var hasFirst = false, hasSecond = false, regionDefined = false, stsDefined = false
        // One pass; every name that matters starts with "AWS_", so most names are passed over at their first byte.
        for name in defined where name.utf8.first == UInt8(ascii: "A") {
            switch name {
            case modeKeys.0: hasFirst = true
            case modeKeys.1: hasSecond = true
            case "AWS_REGION", "AWS_DEFAULT_REGION": regionDefined = true
            case "AWS_STS_REGIONAL_ENDPOINTS": stsDefined = true
            default: break
            }
        }
        let modeKeysDefined = hasFirst || hasSecond
        if hasFirst != hasSecond {
            let (present, missing) = hasFirst ? modeKeys : (modeKeys.1, modeKeys.0)
            warnings.append("container \"\(container.name)\" defines \(present) but not \(missing); its credential variables were left as they are")
        }
        // Upstream's early return: the container is left entirely alone, mount included.
        if modeKeysDefined && regionDefined && stsDefined { return }

        var env: [(name: String, value: String)] = []
        env.reserveCapacity(5)
        if !stsDefined && identity.useRegionalSTS { env.append(("AWS_STS_REGIONAL_ENDPOINTS", "regional")) }
        if !regionDefined && !mutator.settings.awsDefaultRegion.isEmpty {
            env.append(("AWS_DEFAULT_REGION", mutator.settings.awsDefaultRegion))
            env.append(("AWS_REGION", mutator.settings.awsDefaultRegion))
        }
        if !modeKeysDefined {
            env.append((modeKeys.0, modeValues.0))
            env.append((modeKeys.1, modeValues.1))
        }
        append(env.count, to: container.index, of: list, field: "env", exists: container.envNames != nil) { out, item in
            out.raw(#"{"name":"#)
            out.string(env[item].name)
            out.raw(#","value":"#)
            out.string(env[item].value)
            out.raw("}")
        }
        if container.mountNames?.contains(volumeName) != true {
            let (name, path) = (volumeName, mountPath)
            append(1, to: container.index, of: list, field: "volumeMounts", exists: container.mountNames != nil) { out, _ in
                out.raw(#"{"name":"#)
                out.string(name)
                out.raw(#","readOnly":true,"mountPath":"#)
                out.string(path)
                out.raw("}")
            }
        }
    }

    /// Appends `count` items to `/spec/<list>/<index>/<field>` one by one when the list exists, or creates it
    /// with all of them in one operation.
    private mutating func append(_ count: Int, to index: Int, of list: StaticString, field: StaticString, exists: Bool,
                                 item: (inout JSONByteWriter, Int) -> Void) {
        guard count > 0 else { return }
        func path(_ out: inout JSONByteWriter) {
            out.raw("/spec/")
            out.raw(list)
            out.raw("/")
            out.integer(index)
            out.raw("/")
            out.raw(field)
        }
        if exists {
            for number in 0..<count {
                patch.add { out in
                    path(&out)
                    out.raw("/-")
                } value: { item(&$0, number) }
            }
        } else {
            patch.add { path(&$0) } value: { out in
                out.raw("[")
                for number in 0..<count {
                    if number > 0 { out.raw(",") }
                    item(&out, number)
                }
                out.raw("]")
            }
        }
    }
}
