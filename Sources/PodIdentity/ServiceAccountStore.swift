import Locking

/// Identifies a ServiceAccount cluster-wide.
public struct ServiceAccountKey: Hashable, Sendable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    /// The same key with strings of its own. Names parsed out of a large document share its memory; a key
    /// kept in the store must not keep a page of that document resident once the rest is freed.
    public var detached: ServiceAccountKey {
        ServiceAccountKey(namespace: namespace.detachedCopy, name: name.detachedCopy)
    }
}

extension String {
    /// The same text in storage of its own (up to 15 bytes a string is stored inline: nothing to copy).
    var detachedCopy: String {
        let count = utf8.count
        guard count > 15 else { return self }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.initialize(fromContentsOf: utf8)
        }
    }
}

/// What the webhook keeps of a ServiceAccount: only its annotations under the configured prefix,
/// keyed by the part after `<prefix>/` (e.g. `role-arn`). Whole objects are never stored.
public struct ServiceAccountRecord: Sendable, Equatable {
    public var annotations: [String: String]

    public init(annotations: [String: String] = [:]) {
        self.annotations = annotations
    }

    /// Keeps the annotations under `prefix` (e.g. `eks.amazonaws.com`), without the prefix, in strings of
    /// their own (see `ServiceAccountKey.detached`).
    public init(allAnnotations: [String: String], prefix: String) {
        var kept: [String: String] = [:]
        let lead = prefix + "/"
        for (key, value) in allAnnotations where key.hasPrefix(lead) {
            kept[String(key.dropFirst(lead.count)).detachedCopy] = value.detachedCopy
        }
        self.annotations = kept
    }
}

/// The ServiceAccounts known to the webhook, fed by a source (local manifests or the Kubernetes API)
/// and read by every admission request. The records are split over shards, each behind its own short
/// lock, so concurrent requests on different cores do not queue on one global lock; writers (watch
/// events, reloads) hold a shard's lock for one update at most.
public final class ServiceAccountStore: Sendable {
    private final class Shard: Sendable {
        let records = Locked<[ServiceAccountKey: ServiceAccountRecord]>([:])
    }

    private static let shardCount = 16  // a power of two
    private let shards: [Shard] = (0..<ServiceAccountStore.shardCount).map { _ in Shard() }

    public init() {}

    private func shard(for key: ServiceAccountKey) -> Shard {
        shards[key.hashValue & (Self.shardCount - 1)]
    }

    public func lookup(_ key: ServiceAccountKey) -> ServiceAccountRecord? {
        shard(for: key).records.withLock { $0[key] }
    }

    public func upsert(_ key: ServiceAccountKey, _ record: ServiceAccountRecord) {
        shard(for: key).records.withLock { $0[key] = record }
    }

    public func remove(_ key: ServiceAccountKey) {
        _ = shard(for: key).records.withLock { $0.removeValue(forKey: key) }
    }

    /// Replaces everything (a relist or a reload of the local files), shard by shard; of two records with the
    /// same key the later wins. Takes any sequence, so a LIST's entries go straight into the shards without an
    /// intermediate dictionary of the whole set (100k accounts: megabytes less at the peak).
    public func replaceAll<Records: Sequence>(_ newRecords: Records)
    where Records.Element == (key: ServiceAccountKey, value: ServiceAccountRecord) {
        var split = Array(repeating: [ServiceAccountKey: ServiceAccountRecord](), count: Self.shardCount)
        let perShard = newRecords.underestimatedCount / Self.shardCount
        if perShard > 0 { for index in split.indices { split[index].reserveCapacity(perShard + perShard / 8) } }
        for (key, record) in newRecords { split[key.hashValue & (Self.shardCount - 1)][key] = record }
        for (shard, records) in zip(shards, split) {
            shard.records.withLock { $0 = records }
        }
    }

    public var count: Int { shards.reduce(0) { total, shard in total + shard.records.withLock { $0.count } } }

    /// A copy of every record, for debugging dumps. O(n): never on the request path.
    public func snapshot() -> [ServiceAccountKey: ServiceAccountRecord] {
        var all: [ServiceAccountKey: ServiceAccountRecord] = [:]
        for shard in shards { all.merge(shard.records.withLock { $0 }) { _, new in new } }
        return all
    }
}
