import JSONCore
import PodIdentity

/// What a set of manifests says about identities: the ServiceAccounts (their prefixed annotations)
/// and the `pod-identity-webhook` ConfigMap. One code path for `webhook mutate` and the local source.
public struct ServiceAccountManifests: Sendable {
    public var serviceAccounts: [ServiceAccountKey: ServiceAccountRecord] = [:]
    /// nil when no `pod-identity-webhook` ConfigMap was among the documents.
    public var roleMappings: RoleMappingTable?
    /// Skipped ConfigMap entries and the like.
    public var warnings: [String] = []
    /// Documents that are neither (a Pod, an AdmissionReview, other objects), in order.
    public var otherDocuments: [ManifestDocument] = []

    public init() {}

    public static let configMapName = "pod-identity-webhook"

    /// Sorts `documents` (`kind: List` items included) into ServiceAccounts, the ConfigMap and the rest.
    /// `configMapNamespace`: only the ConfigMap in that namespace (or in none) counts, as the server watches it
    /// with `--watch-config-map --namespace`; nil: any (the local manifest source).
    public static func collect(_ documents: [ManifestDocument], annotationPrefix: String, configMapNamespace: String? = nil,
                               source: String) throws(ManifestError) -> ServiceAccountManifests {
        var manifests = ServiceAccountManifests()
        for document in documents {
            try manifests.add(document, annotationPrefix: annotationPrefix, configMapNamespace: configMapNamespace, source: source)
        }
        return manifests
    }

    private mutating func add(_ document: ManifestDocument, annotationPrefix: String, configMapNamespace: String?,
                              source: String) throws(ManifestError) {
        let fail = { (reason: String) in ManifestError(source: source, document: document.label, reason: reason) }
        guard document.value.object != nil else { throw fail("expected an object, got \(document.value.typeName)") }
        switch document.kind {
        case "List", "ServiceAccountList", "ConfigMapList":
            guard let items = document.value["items"]?.array else { throw fail("a List needs an items array") }
            for item in items {
                try add(ManifestDocument(index: document.index, line: document.line, value: item),
                        annotationPrefix: annotationPrefix, configMapNamespace: configMapNamespace, source: source)
            }
        case "ServiceAccount":
            guard !document.name.isEmpty else { throw fail("metadata.name must be a non-empty string") }
            var annotations: [String: String] = [:]
            if let value = document.value["metadata"]?["annotations"], !value.isNull {
                guard let object = value.object else { throw fail("metadata.annotations must be an object, got \(value.typeName)") }
                for (key, member) in object {
                    guard let text = member.string else { throw fail("annotation \(key) must be a string, got \(member.typeName)") }
                    annotations[key] = text
                }
            }
            let key = ServiceAccountKey(namespace: document.namespace.isEmpty ? "default" : document.namespace, name: document.name)
                .detached
            serviceAccounts[key] = ServiceAccountRecord(allAnnotations: annotations, prefix: annotationPrefix)
        case "ConfigMap" where document.name == Self.configMapName:
            if let configMapNamespace, !document.namespace.isEmpty, document.namespace != configMapNamespace {
                warnings.append("\(source): \(document.label): ConfigMap \(document.namespace)/\(Self.configMapName) ignored: "
                    + "the server watches only namespace \(configMapNamespace) (--namespace)")
                return
            }
            let config = document.value["data"]?["config"]
            guard let config, !config.isNull else {
                roleMappings = RoleMappingTable()
                return
            }
            guard let text = config.string else { throw fail("data.config must be a string, got \(config.typeName)") }
            do {
                let parsed = try RoleMappingTable.parse(config: text)
                roleMappings = parsed.table
                warnings += parsed.warnings
            } catch {
                throw fail(error.description)
            }
        default:
            otherDocuments.append(document)
        }
    }
}
