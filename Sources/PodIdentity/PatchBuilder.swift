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

    mutating func build() {
        if mode == .containerCredentials { addLabel() }
        if let chain = identity.features.roleChain { addConfigAnnotation(chain) }
        addVolume()
        let tokenFiles = modeFragments.tokenFileItem
        let tokenFile = pod.isWindows ? tokenFiles.windows : tokenFiles.unix
        let selection = identity.features.selection
        for container in pod.containers where selection.selects(container.name) {
            addIdentity(to: container, list: "/spec/containers/", tokenFile: tokenFile)
        }
        for container in pod.initContainers where selection.selects(container.name) {
            addIdentity(to: container, list: "/spec/initContainers/", tokenFile: tokenFile)
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
        let fragments = modeFragments
        let (audience, expiration) = (identity.audience, identity.tokenExpiration)
        let configField = identity.features.roleChain == nil ? nil : mutator.awsConfigAnnotationFieldPath
        func writeVolume(_ out: inout JSONByteWriter) {
            out.raw(fragments.volumeStart)
            if audience == fragments.defaultAudience {
                out.raw(fragments.defaultAudienceMember)
            } else {
                PatchFragments.Mode.writeAudience(audience, into: &out)
            }
            out.raw(#""expirationSeconds":"#)
            out.integer(expiration)
            out.raw(fragments.tokenPathEnd)
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

    private var modeFragments: PatchFragments.Mode {
        mode == .containerCredentials ? mutator.fragments.containerCredentials : mutator.fragments.webIdentity
    }

    /// The two variables that carry a container's credentials, per mode; nil when the container gets none.
    private enum CredentialVariables {
        /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
        case containerCredentials
        /// `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`
        case webIdentity(roleARN: String)
        /// `AWS_CONFIG_FILE`, `AWS_PROFILE`
        case roleChain(configFilePath: String)

        var names: (String, String) {
            switch self {
            case .containerCredentials: ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            case .webIdentity: ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
            case .roleChain: ("AWS_CONFIG_FILE", "AWS_PROFILE")
            }
        }
    }

    private func credentialVariables(for container: PodContainer) -> CredentialVariables? {
        switch identity.credentials {
        case .containerCredentials: return .containerCredentials
        case .webIdentity(let defaultRole):
            // Checked for emptiness first: even a lookup in an empty dictionary hashes the name.
            let containerRoles = identity.features.containerRoleARNs
            if !containerRoles.isEmpty, let role = containerRoles[container.name] { return .webIdentity(roleARN: role) }
            if let chain = identity.features.roleChain { return .roleChain(configFilePath: chain.configFilePath) }
            guard let defaultRole else { return nil }
            return .webIdentity(roleARN: defaultRole)
        }
    }

    /// The variables a container gets, in the order they are appended (upstream's first).
    private enum EnvVariable: Int {
        case stsRegionalEndpoints, defaultRegion, region, firstCredential, secondCredential, roleSessionName
        case endpointURL, endpointMode
    }

    /// A set of `EnvVariable`s, without an allocation.
    private struct EnvVariables {
        var bits: UInt8 = 0
        mutating func insert(_ variable: EnvVariable) { bits |= 1 << variable.rawValue }
        var count: Int { bits.nonzeroBitCount }
        /// The `index`-th member, in `EnvVariable` order.
        func member(_ index: Int) -> EnvVariable {
            var rest = bits
            for _ in 0..<index { rest &= rest - 1 }
            return EnvVariable(rawValue: rest.trailingZeroBitCount)!
        }
    }

    private mutating func addIdentity(to container: PodContainer, list: StaticString, tokenFile: JSONFragment) {
        guard let credentials = credentialVariables(for: container) else { return }
        let modeKeys = credentials.names
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

        // The few features read, not the whole set: copying it would retain every value it holds.
        let region = identity.features.region?.value, endpoint = identity.features.endpointURL?.value
        var env = EnvVariables()
        if !stsDefined && identity.useRegionalSTS { env.insert(.stsRegionalEndpoints) }
        if !regionDefined, region != nil {
            env.insert(.defaultRegion)
            env.insert(.region)
        }
        if !modeKeysDefined {
            env.insert(.firstCredential)
            env.insert(.secondCredential)
        }
        // After upstream's variables, so a pod using none of the additions gets exactly upstream's list.
        if !sessionNameDefined, identity.features.roleSessionName != nil, case .webIdentity = credentials { env.insert(.roleSessionName) }
        if !endpointDefined, endpoint != nil { env.insert(.endpointURL) }
        if !endpointModeDefined, identity.features.ipv6CredentialsEndpoint { env.insert(.endpointMode) }
        let (mutator, fragments) = (self.mutator, self.mutator.fragments)
        append(env.count, to: container.index, of: list, field: "env", exists: container.envNames != nil) { out, item in
            let variable = env.member(item)
            switch variable {
            case .stsRegionalEndpoints: out.raw(#"{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}"#)
            case .defaultRegion, .region:
                let (region, isDefault) = (region!, variable == .defaultRegion)
                if let flagItems = fragments.flagRegionItems, region == mutator.settings.awsDefaultRegion {
                    out.raw(isDefault ? flagItems.defaultRegion : flagItems.region)
                } else {
                    PatchFragments.writeEnvItem(isDefault ? "AWS_DEFAULT_REGION" : "AWS_REGION", region, into: &out)
                }
            case .firstCredential:
                switch credentials {
                case .containerCredentials: out.raw(fragments.credentialsURIItem)
                case .webIdentity(let role): PatchFragments.writeEnvItem("AWS_ROLE_ARN", role, into: &out)
                case .roleChain(let path): PatchFragments.writeEnvItem("AWS_CONFIG_FILE", path, into: &out)
                }
            case .secondCredential:
                if case .roleChain = credentials { out.raw(fragments.chainProfileItem) } else { out.raw(tokenFile) }
            case .roleSessionName:
                out.raw(#"{"name":"AWS_ROLE_SESSION_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}"#)
            case .endpointURL:
                let endpoint = endpoint!
                if let flagItem = fragments.flagEndpointItem, endpoint == mutator.settings.endpointURL {
                    out.raw(flagItem)
                } else {
                    PatchFragments.writeEnvItem("AWS_ENDPOINT_URL", endpoint, into: &out)
                }
            case .endpointMode: out.raw(#"{"name":"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE","value":"IPv6"}"#)
            }
        }
        if container.mountNames?.contains(volumeName) != true {
            let mountItem = modeFragments.mountItem
            append(1, to: container.index, of: list, field: "volumeMounts", exists: container.mountNames != nil) { out, _ in
                out.raw(mountItem)
            }
        }
    }

    /// Appends `count` items to `/spec/<list>/<index>/<field>` one by one when the list exists, or creates it
    /// with all of them in one operation.
    private mutating func append(_ count: Int, to index: Int, of list: StaticString, field: StaticString, exists: Bool,
                                 item: (inout JSONByteWriter, Int) -> Void) {
        guard count > 0 else { return }
        func path(_ out: inout JSONByteWriter) {
            out.raw(list)
            out.integer(index)
            out.raw(byte: UInt8(ascii: "/"))
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
