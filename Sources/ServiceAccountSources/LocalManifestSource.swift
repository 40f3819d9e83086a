import PodIdentity
import Synchronization
import Locking

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
    /// What was last attempted and the error it gave, so an unchanged bad file is reported once:
    /// the files' fingerprints (checked every poll without reading) and a digest of their content.
    private let state = Locked<(fingerprints: [ManifestFiles.Fingerprint]?, digest: Int?, error: ManifestError?)>((nil, nil, nil))
    private let synced = Atomic<Bool>(false)
    private let poller = PollingLoop()
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
        let fingerprints = ManifestFiles.fingerprints(path: path)
        let unchangedFiles = state.withLock { state -> ManifestError?? in
            guard let fingerprints, state.fingerprints == fingerprints else { return nil }
            return .some(state.error)
        }
        if let unchangedFiles { return unchangedFiles == nil }
        let files: [ManifestFile]
        do {
            files = try ManifestFiles.read(path: path)
        } catch {
            return fail(error, fingerprints: nil, digest: nil)
        }
        let digest = Self.digest(files)
        let unchanged = state.withLock { state -> ManifestError?? in
            guard state.digest == digest else { return nil }
            state.fingerprints = fingerprints  // touched but identical: nothing to reload
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
            state.withLock { $0 = (fingerprints, digest, nil) }
            // Reported before readiness: what the event handler does (logging, trimming the heap) is done by then.
            onEvent(.loaded(serviceAccounts: manifests.serviceAccounts.count, roleMappings: table.count, warnings: manifests.warnings))
            synced.store(true, ordering: .releasing)
            return true
        } catch {
            return fail(error, fingerprints: fingerprints, digest: digest)
        }
    }

    /// Identifies the content within this process (Hasher's seed is per process, which is all that is needed).
    private static func digest(_ files: [ManifestFile]) -> Int {
        var hasher = Hasher()
        for file in files {
            hasher.combine(file.path)
            hasher.combine(file.bytes)
        }
        return hasher.finalize()
    }

    private func fail(_ error: ManifestError, fingerprints: [ManifestFiles.Fingerprint]?, digest: Int?) -> Bool {
        let isNew = state.withLock { state -> Bool in
            defer { state = (fingerprints, digest, error) }
            return state.error != error
        }
        if isNew { onEvent(.failed(error)) }
        return false
    }

    /// Polls for changes every `pollInterval` until `stop()`.
    public func start() {
        poller.start(every: pollInterval) { [weak self] in self?.reload() }
    }

    public func stop() {
        poller.stop()
    }
}
