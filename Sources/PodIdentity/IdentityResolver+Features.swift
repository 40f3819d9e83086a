import JSONCore

/// The additions to upstream, read from the ServiceAccount's and the pod's annotations. A bad value is a warning
/// (`response.warnings`) and is ignored; nothing here denies a pod.
extension IdentityResolver {
    mutating func resolveFeatures(of identity: inout ResolvedIdentity, annotations: ServiceAccountAnnotations,
                                  podValues: PodAnnotationValues, pod: PodDocument) {
        // Most ServiceAccounts carry only upstream's keys: then every lookup below is spared.
        let saAnnotations = AnnotationLookup(annotations.additions)
        var features = MutationFeatures()
        // Only the annotations that name containers need the set of names: most pods use none of them.
        lazy var containerNames = Set((pod.containers + pod.initContainers).map(\.name))
        let podSelects = podValues.skipContainers != nil || podValues.includeContainers != nil
        if podSelects || saAnnotations["skip-containers"] != nil || saAnnotations["include-containers"] != nil {
            features.selection = selection(saAnnotations, podValues: podValues, containerNames: containerNames)
        }
        features.region = region(saAnnotations, podValue: podValues.region)
        features.endpointURL = endpointURL(saAnnotations)
        switch identity.credentials {
        case .containerCredentials:
            for name in ["container-role-arns", "target-role-arn", "role-session-name"] where saAnnotations[name] != nil {
                warnings.append("service account annotation \(prefix)/\(name) is ignored in container-credentials mode")
            }
            features.ipv6CredentialsEndpoint = mutator.ipv6CredentialsEndpoint
        case .webIdentity(let role):
            if saAnnotations["container-role-arns"] != nil {
                features.containerRoleARNs = containerRoles(saAnnotations, containerNames: containerNames)
            }
            features.roleSessionName = roleSessionName(saAnnotations)
            if features.roleSessionName != nil {
                // STS refuses session names over 64 characters; generated names add 5 to generateName.
                let length = pod.name.isEmpty ? pod.generateName.count + 5 : pod.name.count
                if length > 64 {
                    warnings.append("pod name \"\(pod.displayName)\" is longer than the 64 characters STS allows as AWS_ROLE_SESSION_NAME; AssumeRoleWithWebIdentity will fail")
                }
            }
            features.roleChain = roleChain(saAnnotations, sourceRole: role, region: features.region?.value, windows: pod.isWindows)
        }
        identity.features = features
    }

    /// A ServiceAccount's annotations as the additions read them: empty (no lookup at all) when it has only upstream's.
    struct AnnotationLookup {
        private let annotations: [String: String]

        /// `additions`: `ServiceAccountAnnotations.additions`, empty when the record holds only upstream's keys.
        init(_ additions: [String: String]) { annotations = additions }

        subscript(_ key: String) -> String? { annotations.isEmpty ? nil : annotations[key] }
    }

    // MARK: Container selection

    private mutating func selection(_ saAnnotations: AnnotationLookup, podValues: PodAnnotationValues,
                                    containerNames: Set<String>) -> ContainerSelection {
        var selection = ContainerSelection()
        selection.skip = containerList("skip-containers", podKey: mutator.skipContainersAnnotation, podValue: podValues.skipContainers,
                                       saAnnotations, containerNames: containerNames, fallback: "no container skipped")
        selection.include = containerList("include-containers", podKey: mutator.includeContainersAnnotation,
                                          podValue: podValues.includeContainers, saAnnotations, containerNames: containerNames,
                                          fallback: "every container mutated")
        if let skip = selection.skip, let include = selection.include {
            for name in skip.names.intersection(include.names).sorted() {
                warnings.append("container \"\(name)\" is named by both \(skip.source) and \(include.source); skip wins, it is not mutated")
            }
        }
        return selection
    }

    /// The pod's annotation, else the ServiceAccount's: Go `encoding/csv`'s first record, as upstream reads `skip-containers`.
    private mutating func containerList(_ name: String, podKey: String, podValue: String?, _ saAnnotations: AnnotationLookup,
                                        containerNames: Set<String>, fallback: String) -> ContainerSelection.List? {
        let (value, source): (String, String)
        if let podValue {
            (value, source) = (podValue, "pod annotation \(podKey)")
        } else if let saValue = saAnnotations[name] {
            (value, source) = (saValue, "service account annotation \(podKey)")
        } else {
            return nil
        }
        let names: [String]
        do {
            names = try GoCSV.firstRecord(value)
        } catch {
            warnings.append("\(source) \"\(value)\" is not valid CSV (\(error.reason)); \(fallback)")
            return nil
        }
        for name in names where !containerNames.contains(name) {
            warnings.append("\(source) names \"\(name)\", which matches no container")
        }
        return ContainerSelection.List(names: Set(names), source: source)
    }

    // MARK: Region and endpoint

    /// Pod annotation, else ServiceAccount annotation, else `--aws-default-region`.
    private mutating func region(_ saAnnotations: AnnotationLookup, podValue: String?) -> MutationFeatures.Setting? {
        let key = mutator.regionAnnotation
        if let value = podValue, let setting = checkedRegion(value, source: "pod annotation \(key)") { return setting }
        if let value = saAnnotations["region"], let setting = checkedRegion(value, source: "service account annotation \(key)") {
            return setting
        }
        let flag = mutator.settings.awsDefaultRegion
        return flag.isEmpty ? nil : MutationFeatures.Setting(value: flag, source: "--aws-default-region")
    }

    private mutating func checkedRegion(_ value: String, source: @autoclosure () -> String) -> MutationFeatures.Setting? {
        if RegionSyntax.isRegion(value) { return MutationFeatures.Setting(value: value, source: source()) }
        warnings.append("\(source()) \"\(value)\" is not a region name (e.g. us-west-2); ignored")
        return nil
    }

    /// ServiceAccount annotation `endpoint-url` (upstream PR #302), else `--endpoint-url`.
    private mutating func endpointURL(_ saAnnotations: AnnotationLookup) -> MutationFeatures.Setting? {
        if let value = saAnnotations["endpoint-url"] {
            if let problem = EndpointURLSyntax.problem(value) {
                warnings.append("service account annotation \(prefix)/endpoint-url \"\(value)\" \(problem); ignored")
            } else {
                return MutationFeatures.Setting(value: value, source: "service account annotation \(prefix)/endpoint-url")
            }
        }
        let flag = mutator.settings.endpointURL
        return flag.isEmpty ? nil : MutationFeatures.Setting(value: flag, source: "--endpoint-url")
    }

    // MARK: Web identity additions

    /// `container-role-arns`: a JSON object from container name to role ARN.
    private mutating func containerRoles(_ saAnnotations: AnnotationLookup, containerNames: Set<String>) -> [String: String] {
        guard let text = saAnnotations["container-role-arns"] else { return [:] }
        let source = "service account annotation \(prefix)/container-role-arns"
        guard let document = try? JSON.parse(text), let object = document.object else {
            warnings.append("\(source) is not a JSON object of container name to role ARN; ignored")
            return [:]
        }
        var roles: [String: String] = [:]
        for (name, value) in object {
            guard let role = value.string, !role.isEmpty else {
                warnings.append("\(source): the role of container \"\(name)\" must be a non-empty string, got \(value.typeName); ignored")
                continue
            }
            guard containerNames.contains(name) else {
                warnings.append("\(source) names \"\(name)\", which matches no container")
                continue
            }
            roles[name] = composedRoleARN(role)
        }
        return roles
    }

    /// `--inject-role-session-name`, or the ServiceAccount's `role-session-name: pod-name` (`none` turns the flag off).
    private mutating func roleSessionName(_ saAnnotations: AnnotationLookup) -> MutationFeatures.Setting? {
        let flag: MutationFeatures.Setting? = mutator.settings.injectRoleSessionName
            ? MutationFeatures.Setting(value: "pod-name", source: "--inject-role-session-name") : nil
        guard let value = saAnnotations["role-session-name"] else { return flag }
        switch value {
        case "pod-name": return MutationFeatures.Setting(value: value, source: "service account annotation \(prefix)/role-session-name")
        case "none": return nil
        default:
            warnings.append("service account annotation \(prefix)/role-session-name \"\(value)\" is neither pod-name nor none; ignored")
            return flag
        }
    }

    /// `target-role-arn` and `external-id`. Every value goes into a config file, so none may hold a line break.
    private mutating func roleChain(_ saAnnotations: AnnotationLookup, sourceRole: String?, region: String?,
                                    windows: Bool) -> RoleChain? {
        let externalID = saAnnotations["external-id"]
        guard let target = saAnnotations["target-role-arn"] else {
            if externalID != nil { warnings.append("service account annotation \(prefix)/external-id is ignored without \(prefix)/target-role-arn") }
            return nil
        }
        let source = "service account annotation \(prefix)/target-role-arn"
        guard let sourceRole else {
            warnings.append("\(source) needs \(prefix)/role-arn (the web-identity role it is assumed from); no chain")
            return nil
        }
        guard !target.isEmpty, target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }), sourceRole.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            warnings.append("\(source) \"\(target)\" (or the role-arn) is empty or holds spaces or control characters; no chain")
            return nil
        }
        if !RoleARNSyntax.isIAMRoleARN(target, allowNonAWSAccountID: mutator.settings.allowNonAWSAccountID) {
            warnings.append("target role ARN \"\(target)\" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>); used as given")
        }
        if let externalID, !ExternalIDSyntax.isExternalID(externalID) {
            warnings.append("service account annotation \(prefix)/external-id is not an STS external ID (2-1224 characters of letters, digits and _+=,.@:/-); no chain")
            return nil
        }
        let mountPath = mutator.settings.tokenMountPath
        return RoleChain(
            sourceRoleARN: sourceRole, targetRoleARN: target, externalID: externalID,
            configFilePath: TokenFilePath.make(mountPath: mountPath, tokenPath: RoleChain.configFileName, windows: windows),
            tokenFilePath: mutator.tokenFiles.path(for: .webIdentity, windows: windows), region: region)
    }
}
