import KubernetesClient
import JSONCore
import Logging
import PodIdentity

/// Keeps a `ServiceAccountStore` in step with every ServiceAccount in the cluster (list + watch), storing
/// only the annotations under the prefix. `hasSynced` turns true once the first full LIST is in the store.
/// Everything the webhook reads of a ServiceAccount is in its `metadata` (namespace, name, annotations; the
/// resourceVersion for the watch), so it lists and watches metadata only, falling back to full objects when the
/// server refuses.
public final class ServiceAccountReflector: Sendable {
    private let loop: ListWatchLoop

    public init(
        client: KubernetesAPIClient,
        store: ServiceAccountStore,
        annotationPrefix: String,
        logger: Logger,
        metrics: any KubernetesSourceMetrics = NoKubernetesSourceMetrics(),
        afterRelist: @escaping @Sendable () -> Void = {}
    ) {
        let handler = StoreHandler(store: store, prefix: annotationPrefix, logger: logger, metrics: metrics)
        loop = ListWatchLoop(
            client: client,
            resource: .init(name: "serviceaccounts", collectionPath: "/api/v1/serviceaccounts", representation: .metadata),
            handler: handler, logger: logger, metrics: metrics, afterList: afterRelist)
    }

    /// Starts the list/watch thread (once; later calls do nothing).
    public func start() { loop.start() }

    public var hasSynced: Bool { loop.hasSynced }

    /// Ends the thread within a fraction of a second; the store keeps its contents.
    public func stop() { loop.stop() }

    private struct StoreHandler: ListWatchHandler {
        let store: ServiceAccountStore
        let prefix: String
        let logger: Logger
        let metrics: any KubernetesSourceMetrics

        func entry(of item: JSONValue) -> (key: ServiceAccountKey, record: ServiceAccountRecord)? {
            guard let entry = ServiceAccountMetadata.entry(of: item, prefix: prefix) else {
                logger.warning("skipping a listed ServiceAccount without metadata.namespace/name")
                return nil
            }
            return entry
        }

        func replaceAll(with entries: [(key: ServiceAccountKey, record: ServiceAccountRecord)]) {
            store.replaceAll(entries.lazy.map { (key: $0.key, value: $0.record) })
            metrics.serviceAccountCacheSize(store.count)
        }

        func apply(_ kind: WatchEvent.Kind, object: JSONValue) {
            guard let (key, record) = ServiceAccountMetadata.entry(of: object, prefix: prefix) else {
                logger.warning("skipping a \(kind.rawValue) ServiceAccount event without metadata.namespace/name")
                return
            }
            switch kind {
            case .added, .modified:
                store.upsert(key, record)
                logger.trace("ServiceAccount \(kind.rawValue.lowercased()): \(key)")
            case .deleted:
                store.remove(key)
                logger.trace("ServiceAccount deleted: \(key)")
            case .bookmark, .error:
                return
            }
            metrics.serviceAccountCacheSize(store.count)
        }
    }
}
