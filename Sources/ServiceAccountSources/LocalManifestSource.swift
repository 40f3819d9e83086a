import PodIdentity
import Synchronization

/// `--service-accounts PATH`: ServiceAccounts (and optionally the `pod-identity-webhook` ConfigMap)
/// from a manifest file or folder, reloaded when the content changes. A bad file keeps the last good
/// state and is reported; the store and the ConfigMap table are replaced together on success.
public final class LocalManifestSource: Sendable {
    public enum Event: Sendable {
        case loaded(serviceAccounts: Int, roleMappings: Int, warnings: [String])
        case failed(ManifestError)
    }

    public let path: String
    private let annotationPrefix: String
    private let store: ServiceAccountStore
    private let sources: IdentitySources
    private let onEvent: @Sendable (Event) -> Void
    /// The content last attempted and the error it gave, so an unchanged bad file is reported once.
    private let state = Mutex<(content: [ManifestFile]?, error: ManifestError?)>((nil, nil))
    private let synced = Atomic<Bool>(false)
    private let poller: Mutex<PollingLoop?> = Mutex(nil)
    private let pollInterval: Duration

    typealias ManifestFile = (path: String, bytes: [UInt8])

    public init(path: String, annotationPrefix: String, store: ServiceAccountStore, sources: IdentitySources,
                pollInterval: Duration = .seconds(1), onEvent: @escaping @Sendable (Event) -> Void) {
        self.path = path
        self.annotationPrefix = annotationPrefix
        self.store = store
        self.sources = sources
        self.pollInterval = pollInterval
        self.onEvent = onEvent
    }

    /// True once a load has succeeded.
    public var hasSynced: Bool { synced.load(ordering: .acquiring) }

    /// Loads now if the content changed since the last attempt; reports the outcome through `onEvent`.
    /// Returns false while the content cannot be used (the last good state stays in effect).
    @discardableResult
    public func reload() -> Bool {
        let files: [ManifestFile]
        do {
            files = try ManifestFiles.read(path: path)
        } catch {
            return fail(error, content: nil)
        }
        let unchanged = state.withLock { state -> ManifestError?? in
            guard let last = state.content, last.count == files.count,
                  zip(last, files).allSatisfy({ $0.path == $1.path && $0.bytes == $1.bytes }) else { return nil }
            return .some(state.error)
        }
        if let unchanged { return unchanged == nil }
        do {
            var manifests = ServiceAccountManifests()
            for file in files {
                let documents = try ManifestFiles.documents(file.bytes, source: file.path)
                let collected = try ServiceAccountManifests.collect(documents, annotationPrefix: annotationPrefix, source: file.path)
                manifests.serviceAccounts.merge(collected.serviceAccounts) { _, later in later }
                if let table = collected.roleMappings { manifests.roleMappings = table }
                manifests.warnings += collected.warnings
            }
            let table = manifests.roleMappings ?? RoleMappingTable()
            store.replaceAll(manifests.serviceAccounts)
            sources.replaceRoleMappings(table)
            state.withLock { $0 = (files, nil) }
            synced.store(true, ordering: .releasing)
            onEvent(.loaded(serviceAccounts: manifests.serviceAccounts.count, roleMappings: table.count, warnings: manifests.warnings))
            return true
        } catch {
            return fail(error, content: files)
        }
    }

    private func fail(_ error: ManifestError, content: [ManifestFile]?) -> Bool {
        let isNew = state.withLock { state -> Bool in
            defer { state = (content, error) }
            return state.error != error
        }
        if isNew { onEvent(.failed(error)) }
        return false
    }

    /// Polls for changes every `pollInterval` until `stop()`.
    public func start() {
        poller.withLock { current in
            guard current == nil else { return }
            let loop = PollingLoop(interval: pollInterval) { [weak self] in self?.reload() }
            loop.start()
            current = loop
        }
    }

    public func stop() {
        poller.withLock { current in
            current?.stop()
            current = nil
        }
    }
}
