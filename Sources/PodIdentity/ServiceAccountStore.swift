import Synchronization

/// Identifies a ServiceAccount cluster-wide.
public struct ServiceAccountKey: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// What the webhook keeps of a ServiceAccount: only its annotations under the configured prefix,
/// keyed by the part after `<prefix>/` (e.g. `role-arn`). Whole objects are never stored.
public struct ServiceAccountRecord: Sendable, Equatable {
    public var annotations: [String: String]

    public init(annotations: [String: String] = [:]) {
        self.annotations = annotations
    }

    /// Keeps the annotations under `prefix` (e.g. `eks.amazonaws.com`), without the prefix.
    public init(allAnnotations: [String: String], prefix: String) {
        var kept: [String: String] = [:]
        let lead = prefix + "/"
        for (key, value) in allAnnotations where key.hasPrefix(lead) {
            kept[String(key.dropFirst(lead.count))] = value
        }
        self.annotations = kept
    }
}

/// The ServiceAccounts known to the webhook, fed by a source (local manifests or the Kubernetes API)
/// and read by every admission request. Reads take a short lock for one hash lookup; writers
/// (watch events, reloads) never hold it for longer than one update.
public final class ServiceAccountStore: Sendable {
    private let records = Mutex<[ServiceAccountKey: ServiceAccountRecord]>([:])

    public init() {}

    public func lookup(_ key: ServiceAccountKey) -> ServiceAccountRecord? {
        records.withLock { $0[key] }
    }

    public func upsert(_ key: ServiceAccountKey, _ record: ServiceAccountRecord) {
        records.withLock { $0[key] = record }
    }

    public func remove(_ key: ServiceAccountKey) {
        _ = records.withLock { $0.removeValue(forKey: key) }
    }

    /// Replaces everything at once (a relist or a reload of the local files).
    public func replaceAll(_ newRecords: [ServiceAccountKey: ServiceAccountRecord]) {
        records.withLock { $0 = newRecords }
    }

    public var count: Int { records.withLock { $0.count } }

    /// A copy of every record, for debugging dumps. O(n): never on the request path.
    public func snapshot() -> [ServiceAccountKey: ServiceAccountRecord] {
        records.withLock { $0 }
    }
}
