import Admission
import ArgumentParser
import FileSystem
import JSONCore
import PodIdentity
import ServiceAccountSources

/// `webhook mutate`: the server's decision and patch for one Pod or AdmissionReview, offline.
struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mutate",
        abstract: "Mutate a Pod or AdmissionReview offline, as the server would.",
        discussion: """
            FILE (or - for standard input) holds YAML or JSON documents separated by ---: any number of \
            ServiceAccounts, optionally the pod-identity-webhook ConfigMap, and exactly one Pod or AdmissionReview. \
            Every flag of `webhook serve` is accepted with the same meaning, so a Deployment's args can be checked \
            offline: --service-accounts adds ServiceAccounts, --watch-config-map uses only the ConfigMap in \
            --namespace (as the server watches it); flags that only concern serving (ports, TLS, the Kubernetes \
            connection) have no effect here.
            """)

    enum Output: String, ExpressibleByArgument, CaseIterable {
        case pod, patch, review
    }

    @OptionGroup(title: "Mutation") var mutation: MutationOptions
    @OptionGroup(title: "ServiceAccount sources (as for serve)") var sources: SourceOptions
    /// Accepted so `serve`'s arguments work unchanged; nothing in it affects a mutation.
    @OptionGroup(title: "Server", visibility: .hidden) var server: ServerOptions

    @Option(name: [.customShort("o"), .customLong("output")], help: "pod: the mutated Pod; patch: the JSON Patch; review: the AdmissionReview response.")
    var output: Output = .pod

    @Flag(inversion: .prefixedNo, help: "Write the decision and its reasons to standard error.")
    var explain = false

    @Argument(help: ArgumentHelp("Manifest file, or - for standard input.", valueName: "FILE"))
    var input: String

    /// Input read from standard input is capped like a manifest file.
    static let maxInputBytes = ManifestFiles.maxFileBytes

    func run() throws {
        do {
            let result = try mutate()
            print(result, terminator: "")
        } catch let error as MutateError {
            StandardError.write("webhook mutate: \(error.message)\n")
            throw ExitCode.failure
        }
    }

    struct MutateError: Error {
        let message: String
    }

    private func mutate() throws -> String {
        let settings: MutationSettings
        do {
            settings = try mutation.settings()
        } catch let error as ValidationError {
            throw MutateError(message: error.message)
        }
        let source = input == "-" ? "<stdin>" : input
        var manifests: ServiceAccountManifests
        var snapshot = IdentitySnapshot()
        // With --watch-config-map the server reads only the ConfigMap in --namespace; without it, the local
        // manifest source (and so `mutate`) uses the one among the documents.
        let configMapNamespace = sources.watchConfigMap ? sources.namespace : nil
        do {
            let documents = try ManifestFiles.documents(try readInput(), source: source)
            manifests = try ServiceAccountManifests.collect(documents, annotationPrefix: settings.annotationPrefix,
                                                            configMapNamespace: configMapNamespace, source: source)
            if let path = sources.serviceAccounts {
                // What the server's --service-accounts source loads; the input's own documents win.
                for file in try ManifestFiles.read(path: path) {
                    let extra = try ServiceAccountManifests.collect(
                        try ManifestFiles.documents(file.bytes, source: file.path), annotationPrefix: settings.annotationPrefix,
                        configMapNamespace: configMapNamespace, source: file.path)
                    manifests.serviceAccounts.merge(extra.serviceAccounts) { input, _ in input }
                    if manifests.roleMappings == nil { manifests.roleMappings = extra.roleMappings }
                    manifests.warnings += extra.warnings
                }
            }
            if let path = mutation.watchContainerCredentialsConfig {
                snapshot.containerCredentials = try ContainerCredentialsFileWatcher.load(path: path)
            }
        } catch {
            throw MutateError(message: error.description)
        }
        snapshot.roleMappings = manifests.roleMappings ?? RoleMappingTable()
        let subject = try subjectDocument(manifests.otherDocuments, source: source)
        let (request, podJSON) = try admissionRequest(for: subject, source: source)
        let service = AdmissionService(mutator: PodMutator(settings: settings), sources: IdentitySources(snapshot))
        let outcome = service.respond(to: request, record: service.serviceAccountKey(for: request).flatMap { manifests.serviceAccounts[$0] })
        guard let decision = outcome.decision else {
            throw MutateError(message: "\(source): \(subject.label): \(outcome.error ?? "cannot be decoded as a Pod")")
        }
        if explain { explainDecision(decision, warnings: manifests.warnings) }
        switch output {
        case .patch:
            return JSON.serializePretty(.array(decision.patch.map(\.jsonValue)))
        case .review:
            guard let review = try? JSON.parse(outcome.body) else { throw MutateError(message: "internal error: response is not JSON") }
            return JSON.serializePretty(review)
        case .pod:
            do {
                return JSON.serializePretty(try JSONPatch.apply(decision.patch, to: podJSON))
            } catch {
                throw MutateError(message: "\(source): \(subject.label): the patch does not apply: \(error)")
            }
        }
    }

    private func readInput() throws(ManifestError) -> [UInt8] {
        guard input == "-" else { return try ManifestFiles.readFile(input) }
        do {
            return try FileSystem.read("/dev/stdin", maxBytes: Self.maxInputBytes)
        } catch {
            throw ManifestError(source: "<stdin>", reason: error.reason)
        }
    }

    /// Exactly one Pod or AdmissionReview; any other kind is a mistake worth naming.
    private func subjectDocument(_ documents: [ManifestDocument], source: String) throws -> ManifestDocument {
        var subject: ManifestDocument?
        for document in documents {
            guard document.kind == "Pod" || document.kind == "AdmissionReview" else {
                throw MutateError(message: "\(source): \(document.label): expected a ServiceAccount, the "
                    + "\(ServiceAccountManifests.configMapName) ConfigMap, a Pod or an AdmissionReview")
            }
            if let first = subject {
                throw MutateError(message: "\(source): \(document.label): only one Pod or AdmissionReview is allowed (\(first.label) came first)")
            }
            subject = document
        }
        guard let subject else { throw MutateError(message: "\(source): no Pod or AdmissionReview among the documents") }
        return subject
    }

    /// A review is used as sent; a bare Pod is wrapped in a v1 review after the API server's normalization.
    private func admissionRequest(for document: ManifestDocument, source: String) throws -> (AdmissionRequest, JSONValue) {
        if document.kind == "AdmissionReview" {
            do {
                let request = try AdmissionReviewCodec.decode(document.value)
                return (request, document.value["request"]?["object"] ?? .null)
            } catch {
                throw MutateError(message: "\(source): \(document.label): \(error.reason)")
            }
        }
        let pod = APIServerDecoding.normalizeVolumeMounts(document.value)
        let decoded = Result { () throws(PodDecodingError) in try PodDocument(pod) }
        let namespace = (try? decoded.get())?.namespace ?? ""
        let request = AdmissionRequest(apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", uid: "",
                                       namespace: namespace.isEmpty ? "default" : namespace, operation: "CREATE",
                                       dryRun: false, pod: decoded)
        return (request, pod)
    }

    private func explainDecision(_ decision: MutationDecision, warnings: [String]) {
        var lines = [
            "pod: \(decision.namespace)/\(decision.podName.isEmpty ? "(no name)" : decision.podName)",
            "service account: \(decision.namespace)/\(decision.serviceAccount)",
            "mode: \(decision.mode.rawValue)",
            "reason: \(decision.reason)",
        ]
        if let role = decision.roleARN { lines.append("role: \(role)") }
        if let seconds = decision.tokenExpiration { lines.append("token expiration: \(seconds)s") }
        lines += decision.features.explanation
        lines.append("patch: \(decision.patch.count) operation(s)")
        for operation in decision.patch { lines.append("  \(operation.kind.rawValue) \(operation.path)") }
        for warning in warnings + decision.warnings { lines.append("warning: \(warning)") }
        StandardError.write(lines.joined(separator: "\n") + "\n")
    }
}
