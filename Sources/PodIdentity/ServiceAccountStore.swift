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
///
/// Every ServiceAccount is kept, annotated or not: an account that is present without annotations gets a
/// decision of its own (no role, not "not found"), a missing one costs the admission path a GET, and the
/// cache dump and the cache-size metric count them all. Most accounts carry no annotation under the prefix,
/// so those are only members of a set (a key, no record); the annotated ones map to their record.
public final class ServiceAccountStore: Sendable {
    private struct Contents {
        /// Present, with no annotation under the prefix: a lookup answers an empty record.
        var unannotated: Set<ServiceAccountKey> = []
        /// Each key in at most one of the two.
        var annotated: [ServiceAccountKey: ServiceAccountRecord] = [:]
        /// One copy of each namespace name longer than a small string (15 bytes), shared by the shard's keys:
        /// a namespace holds many accounts. Rebuilt by `replaceAll`; an upsert adds to it.
        var namespaces: Set<String> = []

        var count: Int { unannotated.count + annotated.count }

        mutating func reserve(unannotated: Int, annotated: Int) {
            self.unannotated.reserveCapacity(unannotated)
            self.annotated.reserveCapacity(annotated)
        }

        mutating func insert(_ key: ServiceAccountKey, _ record: ServiceAccountRecord) {
            var key = key
            if key.namespace.utf8.count > 15 { key.namespace = namespaces.insert(key.namespace).memberAfterInsert }
            if record.annotations.isEmpty {
                annotated.removeValue(forKey: key)
                unannotated.insert(key)
            } else {
                unannotated.remove(key)
                annotated[key] = record
            }
        }

        func lookup(_ key: ServiceAccountKey) -> ServiceAccountRecord? {
            if let record = annotated[key] { return record }
            return unannotated.contains(key) ? ServiceAccountRecord() : nil
        }

        mutating func remove(_ key: ServiceAccountKey) {
            if annotated.removeValue(forKey: key) == nil { unannotated.remove(key) }
        }
    }

    private final class Shard: Sendable {
        let contents = Locked(Contents())
    }

    private static let shardCount = 16  // a power of two
    private let shards: [Shard] = (0..<ServiceAccountStore.shardCount).map { _ in Shard() }

    public init() {}

    private static func shardIndex(of key: ServiceAccountKey) -> Int { key.hashValue & (shardCount - 1) }

    private func shard(for key: ServiceAccountKey) -> Shard { shards[Self.shardIndex(of: key)] }

    /// The account's record (empty when it has no annotation under the prefix); nil when it is not known.
    public func lookup(_ key: ServiceAccountKey) -> ServiceAccountRecord? {
        shard(for: key).contents.withLock { $0.lookup(key) }
    }

    public func upsert(_ key: ServiceAccountKey, _ record: ServiceAccountRecord) {
        shard(for: key).contents.withLock { $0.insert(key, record) }
    }

    public func remove(_ key: ServiceAccountKey) {
        shard(for: key).contents.withLock { $0.remove(key) }
    }

    /// Replaces everything (a relist or a reload of the local files), shard by shard; of two records with the
    /// same key the later wins. The entries go straight into the new shards, without an intermediate dictionary
    /// of the whole set; a first pass counts each shard's accounts, so every table is allocated once at the size
    /// it needs (a table that grows leaves its old buckets behind in the heap: megabytes at 100k accounts).
    public func replaceAll<Records: Collection>(_ newRecords: Records)
    where Records.Element == (key: ServiceAccountKey, value: ServiceAccountRecord) {
        var counts = Array(repeating: (unannotated: 0, annotated: 0), count: Self.shardCount)
        for (key, record) in newRecords {
            let index = Self.shardIndex(of: key)
            if record.annotations.isEmpty { counts[index].unannotated += 1 } else { counts[index].annotated += 1 }
        }
        var split = counts.map { count in
            var contents = Contents()
            contents.reserve(unannotated: count.unannotated, annotated: count.annotated)
            return contents
        }
        for (key, record) in newRecords { split[Self.shardIndex(of: key)].insert(key, record) }
        for (shard, contents) in zip(shards, split) {
            shard.contents.withLock { $0 = contents }
        }
    }

    public var count: Int { shards.reduce(0) { total, shard in total + shard.contents.withLock { $0.count } } }

    /// A copy of every record (empty for the accounts without annotations), for debugging dumps. O(n): never
    /// on the request path.
    public func snapshot() -> [ServiceAccountKey: ServiceAccountRecord] {
        var all: [ServiceAccountKey: ServiceAccountRecord] = [:]
        for shard in shards {
            shard.contents.withLock { contents in
                for key in contents.unannotated { all[key] = ServiceAccountRecord() }
                all.merge(contents.annotated) { _, new in new }
            }
        }
        return all
    }
}
