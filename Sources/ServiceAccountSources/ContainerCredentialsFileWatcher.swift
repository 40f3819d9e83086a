import PodIdentity
import Synchronization
import Locking

/// `--watch-container-credentials-config FILE`, polled for changes. As upstream: a missing or empty
/// file clears the identities, a malformed one keeps the last good identities (and is reported).
public final class ContainerCredentialsFileWatcher: Sendable {
    public enum Event: Sendable {
        case loaded(identities: Int)
        case cleared(reason: String)
        case failed(ManifestError)
    }

    public let path: String
    private let sources: IdentitySources
    private let onEvent: @Sendable (Event) -> Void
    private let pollInterval: Duration
    /// The content last seen (nil: the file was missing), and whether it was unusable.
    private let state = Locked<(content: [UInt8]?, seen: Bool, failed: Bool)>((nil, false, false))
    private let synced = Atomic<Bool>(false)
    private let poller = PollingLoop()

    public init(path: String, sources: IdentitySources, pollInterval: Duration = .seconds(1),
                onEvent: @escaping @Sendable (Event) -> Void) {
        self.path = path
        self.sources = sources
        self.pollInterval = pollInterval
        self.onEvent = onEvent
    }

    /// True once the file has been read successfully (or found missing or empty: valid, empty states).
    public var hasSynced: Bool { synced.load(ordering: .acquiring) }

    /// Reads the file once, strictly: for `webhook mutate`, where a missing file is a mistake.
    public static func load(path: String) throws(ManifestError) -> ContainerCredentialsIdentities {
        let bytes = try ManifestFiles.readFile(path)
        do {
            return try ContainerCredentialsIdentities.parse(bytes)
        } catch {
            throw ManifestError(source: path, reason: error.description)
        }
    }

    /// Re-reads the file if it changed; returns false while its content is unusable.
    @discardableResult
    public func reload() -> Bool {
        let content: [UInt8]? = (try? ManifestFiles.read(path: path))?.first?.bytes
        let previous = state.withLock { state -> (changed: Bool, failed: Bool) in
            let changed = !state.seen || state.content != content
            return (changed, state.failed)
        }
        guard previous.changed else { return !previous.failed }
        guard let content else {
            sources.replaceContainerCredentials(ContainerCredentialsIdentities())
            finish(content: nil, failed: false, event: .cleared(reason: "\(path) does not exist"))
            return true
        }
        do {
            let identities = try ContainerCredentialsIdentities.parse(content)
            sources.replaceContainerCredentials(identities)
            finish(content: content, failed: false,
                   event: identities.count == 0 ? .cleared(reason: "\(path) lists no identities") : .loaded(identities: identities.count))
            return true
        } catch {
            finish(content: content, failed: true, event: .failed(ManifestError(source: path, reason: error.description)))
            return false
        }
    }

    private func finish(content: [UInt8]?, failed: Bool, event: Event) {
        state.withLock { $0 = (content, true, failed) }
        if !failed { synced.store(true, ordering: .releasing) }
        onEvent(event)
    }

    public func start() {
        poller.start(every: pollInterval) { [weak self] in self?.reload() }
    }

    public func stop() {
        poller.stop()
    }
}
