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
        if let chain = identity.features.roleChain { addConfigAnnotation(chain) }
        addVolume()
        let tokenFile = mutator.tokenFiles.path(for: mode, windows: pod.isWindows)
        let selection = identity.features.selection
        for container in pod.containers where selection.selects(container.name) {
            addIdentity(to: container, list: "containers", tokenFile: tokenFile)
        }
        for container in pod.initContainers where selection.selects(container.name) {
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

    /// The role chain's AWS config file, as the pod annotation `<prefix>/aws-config` that the token volume projects
    /// beside the token (downward API): no object outside the pod is needed. An `add` replaces a stale value.
    private mutating func addConfigAnnotation(_ chain: RoleChain) {
        let key = mutator.awsConfigAnnotation, config = chain.configFile
        if pod.annotations[key] == config { return }
        if !pod.hasMetadata {
            patch.add { $0.raw("/metadata") } value: { out in
                out.raw(#"{"annotations":{"#)
                out.string(key)
                out.raw(":")
                out.string(config)
                out.raw("}}")
            }
        } else if !pod.hasAnnotations {
            patch.add { $0.raw("/metadata/annotations") } value: { out in
                out.raw("{")
                out.string(key)
                out.raw(":")
                out.string(config)
                out.raw("}")
            }
        } else {
            patch.add { $0.stringContents(mutator.awsConfigAnnotationPointer) } value: { $0.string(config) }
        }
    }

    private mutating func addVolume() {
        if pod.volumeNames?.contains(volumeName) == true { return }
        let (name, audience, expiration, path) = (volumeName, identity.audience, identity.tokenExpiration, tokenPath)
        let configField = identity.features.roleChain == nil ? nil : mutator.awsConfigAnnotationFieldPath
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
            out.raw("}}")
            if let configField {
                out.raw(#",{"downwardAPI":{"items":[{"path":"#)
                out.string(RoleChain.configFileName)
                out.raw(#","fieldRef":{"fieldPath":"#)
                out.string(configField)
                out.raw("}}]}}")
            }
            out.raw("]}}")
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

    /// An injected variable's value: a literal, or the pod's name through the downward API.
    private enum EnvValue {
        case literal(String)
        case podName
    }

    /// The two variables that carry a container's credentials, per mode; nil when the container gets none.
    private func credentialVariables(for container: PodContainer, tokenFile: String) -> (keys: (String, String), values: (String, String))? {
        switch identity.credentials {
        case .containerCredentials:
            return (("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
                    (mutator.settings.containerCredentials.fullURI, tokenFile))
        case .webIdentity(let defaultRole):
            if let role = identity.features.containerRoleARNs[container.name] {
                return (("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"), (role, tokenFile))
            }
            if let chain = identity.features.roleChain {
                return (("AWS_CONFIG_FILE", "AWS_PROFILE"), (chain.configFilePath, RoleChain.targetProfile))
            }
            guard let defaultRole else { return nil }
            return (("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"), (defaultRole, tokenFile))
        }
    }

    private mutating func addIdentity(to container: PodContainer, list: StaticString, tokenFile: String) {
        guard let (modeKeys, modeValues) = credentialVariables(for: container, tokenFile: tokenFile) else { return }
        let features = identity.features
        // A linear scan: env lists are short, and hashing every name costs more than comparing a few.
        let defined = container.envNames ?? []
        var hasFirst = false, hasSecond = false, regionDefined = false, stsDefined = false
        var sessionNameDefined = false, endpointDefined = false, endpointModeDefined = false
        // One pass; every name that matters starts with "AWS_", so most names are passed over at their first byte.
        for name in defined where name.utf8.first == UInt8(ascii: "A") {
            switch name {
            case modeKeys.0: hasFirst = true
            case modeKeys.1: hasSecond = true
            case "AWS_REGION", "AWS_DEFAULT_REGION": regionDefined = true
            case "AWS_STS_REGIONAL_ENDPOINTS": stsDefined = true
            case "AWS_ROLE_SESSION_NAME": sessionNameDefined = true
            case "AWS_ENDPOINT_URL": endpointDefined = true
            case "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": endpointModeDefined = true
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

        var env: [(name: String, value: EnvValue)] = []
        env.reserveCapacity(5)
        if !stsDefined && identity.useRegionalSTS { env.append(("AWS_STS_REGIONAL_ENDPOINTS", .literal("regional"))) }
        if !regionDefined, let region = features.region {
            env.append(("AWS_DEFAULT_REGION", .literal(region.value)))
            env.append(("AWS_REGION", .literal(region.value)))
        }
        if !modeKeysDefined {
            env.append((modeKeys.0, .literal(modeValues.0)))
            env.append((modeKeys.1, .literal(modeValues.1)))
        }
        // After upstream's variables, so a pod using none of the additions gets exactly upstream's list.
        if !sessionNameDefined, features.roleSessionName != nil, modeKeys.0 == "AWS_ROLE_ARN" {
            env.append(("AWS_ROLE_SESSION_NAME", .podName))
        }
        if !endpointDefined, let endpoint = features.endpointURL { env.append(("AWS_ENDPOINT_URL", .literal(endpoint.value))) }
        if !endpointModeDefined, features.ipv6CredentialsEndpoint {
            env.append(("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", .literal("IPv6")))
        }
        append(env.count, to: container.index, of: list, field: "env", exists: container.envNames != nil) { out, item in
            out.raw(#"{"name":"#)
            out.string(env[item].name)
            switch env[item].value {
            case .literal(let value):
                out.raw(#","value":"#)
                out.string(value)
                out.raw("}")
            case .podName:
                out.raw(#","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}"#)
            }
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
