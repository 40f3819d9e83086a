import JSONCore
import KubernetesClient
import Locking
import Synchronization

/// The objects of one watched collection (Profiles, ServiceAccounts, Namespaces) by namespace and name, kept by a
/// `ListWatchLoop`; every change marks the controller dirty so the next reconcile sees the new state (level-based:
/// only the current set matters, never which events led to it).
final class ObjectCache: ListWatchHandler {
    private let objects = Locked<[String: JSONValue]>([:])
    private let changed: @Sendable () -> Void

    init(changed: @escaping @Sendable () -> Void) { self.changed = changed }

    static func key(_ object: JSONValue) -> String? {
        guard let name = object["metadata"]?["name"]?.string else { return nil }
        return (object["metadata"]?["namespace"]?.string ?? "") + "/" + name
    }

    func replaceAll(with items: [JSONValue]) {
        var fresh: [String: JSONValue] = [:]
        for item in items { if let key = Self.key(item) { fresh[key] = item } }
        objects.withLock { $0 = fresh }
        changed()
    }

    func apply(_ kind: WatchEvent.Kind, object: JSONValue) {
        guard let key = Self.key(object) else { return }
        objects.withLock { objects in
            if kind == .deleted { objects[key] = nil } else { objects[key] = object }
        }
        changed()
    }

    /// A consistent copy, sorted by key (reconciles visit requests in a stable order).
    func snapshot() -> [JSONValue] {
        let copy = objects.withLock { $0 }
        return copy.keys.sorted().map { copy[$0]! }
    }

    func object(namespace: String, name: String) -> JSONValue? {
        objects.withLock { $0[namespace + "/" + name] }
    }
}

/// Set by every change and by the resync timer; taken by the reconcile loop.
final class DirtyFlag: Sendable {
    private let dirty = Atomic<Bool>(true)
    func mark() { dirty.store(true, ordering: .releasing) }
    func take() -> Bool { dirty.exchange(false, ordering: .acquiringAndReleasing) }
}
