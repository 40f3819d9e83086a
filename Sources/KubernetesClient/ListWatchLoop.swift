import JSONCore
import Locking
import Logging
import Synchronization

/// A reflector core for any collection (ServiceAccounts, ConfigMaps, custom resources, Leases): a paginated LIST, then a WATCH from the
/// list's resourceVersion with bookmarks; 410 or an ERROR event relists; other failures re-watch from the last
/// resourceVersion after a capped, jittered backoff. Runs on its own thread until stopped. With
/// `ObjectRepresentation.metadata` it asks for metadata only and falls back to full objects for good when the
/// server answers 406 Not Acceptable.
public final class ListWatchLoop: Sendable {
    public struct Resource: Sendable {
        /// For logs and metrics: "serviceaccounts", "configmaps".
        public var name: String
        /// e.g. `/api/v1/serviceaccounts`, `/api/v1/namespaces/eks/configmaps`.
        public var collectionPath: String
        public var fieldSelector: String?
        /// What to ask for; `.metadata` only suits handlers that read nothing outside `metadata`.
        public var representation: ObjectRepresentation

        public init(name: String, collectionPath: String, fieldSelector: String? = nil,
                    representation: ObjectRepresentation = .full) {
            self.name = name
            self.collectionPath = collectionPath
            self.fieldSelector = fieldSelector
            self.representation = representation
        }
    }

    static let pageSize = 500

    let client: KubernetesAPIClient
    let resource: Resource
    let handler: any ListWatchHandler
    let logger: Logger
    let metrics: any ListWatchMetrics
    let stopSignal = StopSignal()
    private let synced = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    /// The server ends each watch after this long (randomized per watch, as client-go does, to spread reconnects).
    let watchTimeoutRange: ClosedRange<Int>
    /// Runs after each complete LIST, once the parsed pages are freed and before `hasSynced` turns true.
    let afterList: @Sendable () -> Void

    public init(client: KubernetesAPIClient, resource: Resource, handler: any ListWatchHandler, logger: Logger,
         metrics: any ListWatchMetrics, watchTimeoutRange: ClosedRange<Int> = 300...600,
         afterList: @escaping @Sendable () -> Void = {}) {
        self.client = client
        self.resource = resource
        self.handler = handler
        self.logger = logger
        self.metrics = metrics
        self.watchTimeoutRange = watchTimeoutRange
        self.afterList = afterList
    }

    public var hasSynced: Bool { synced.load(ordering: .acquiring) }

    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if !DetachedThread.start({ self.run() }) {
            logger.critical("cannot start a thread to watch \(resource.name)")
        }
    }

    public func stop() { stopSignal.stop() }

    private func run() {
        var backoff = Backoff()
        var resourceVersion: String?
        // Confined to this thread: only `run` reads or changes it.
        var representation = resource.representation
        logger.info("watching \(resource.name)", metadata: ["url": "\(client.url(resource.collectionPath))"])
        while !stopSignal.isStopped {
            do {
                if resourceVersion == nil {
                    resourceVersion = try list(handler, as: representation)
                    backoff.reset()
                }
                try watch(from: &resourceVersion, as: representation, backoff: &backoff)
                // The server ended the watch (its timeoutSeconds): resume at once from the last resourceVersion.
            } catch .stopped {
                return
            } catch .status(406, _, let message) where representation == .metadata {
                logger.warning("""
                    \(resource.name): the API server refuses metadata-only responses (HTTP 406: \(message)); \
                    using full objects from now on
                    """)
                representation = .full
            } catch {
                let reason = classify(error)
                metrics.watchRestarted(resource: resource.name, reason: reason)
                if reason == .expired {
                    logger.info("\(resource.name): \(error.description); relisting")
                    resourceVersion = nil
                    continue
                }
                let delay = backoff.nextDelay()
                report(error, reason: reason, retryIn: delay)
                if !stopSignal.pause(for: delay) { return }
            }
        }
    }

    private func classify(_ error: KubernetesAPIError) -> WatchRestartReason {
        switch error {
        case .status(410, _, _): return .expired
        case .status(401, _, _), .status(403, _, _): return .unauthorized
        case .status: return .httpError
        case _ where error.isInvalidResponse: return .invalidResponse
        default: return .disconnected
        }
    }

    /// 401/403 get an error naming the URL, the identity and the server's words: they need a human.
    private func report(_ error: KubernetesAPIError, reason: WatchRestartReason, retryIn delay: Duration) {
        let retry = "retrying in \(Int((delay.seconds * 1000).rounded())) ms"
        if reason == .unauthorized, case .status(let code, let path, let message) = error {
            logger.error("""
                the API server refused to \(hasSynced ? "watch" : "list") \(resource.name) (HTTP \(code)): \(message); \
                url=\(client.url(path)) identity=\(client.identityDescription); \
                check the credentials and RBAC (get, list, watch on \(resource.name)); \(retry)
                """)
        } else {
            logger.warning("\(resource.name): \(error.description); \(retry)",
                           metadata: ["server": "\(client.configuration.server)"])
        }
    }

    private func query(_ parameters: [(String, String)]) -> String {
        var all = parameters
        if let selector = resource.fieldSelector { all.append(("fieldSelector", selector)) }
        return "?" + all.map { "\($0.0)=\(QueryEncoding.encode($0.1))" }.joined(separator: "&")
    }

    /// Reads every page, keeping only the handler's entries of each (the parsed page is freed before the next
    /// is read); returns the list's resourceVersion once the handler holds the full set.
    private func list<Handler: ListWatchHandler>(
        _ handler: Handler, as representation: ObjectRepresentation
    ) throws(KubernetesAPIError) -> String {
        var entries: [Handler.Entry] = []
        var listed = 0
        var continueToken: String?
        var resourceVersion = ""
        var pages = 0
        var served = representation
        repeat {
            var parameters = [("limit", String(Self.pageSize))]
            if let continueToken { parameters.append(("continue", continueToken)) }
            let path = resource.collectionPath + query(parameters)
            let body = try client.get(path, accept: representation.listAccept, stop: stopSignal)
            let page: JSONValue
            do {
                page = try JSON.parse(body)
            } catch {
                throw .malformedResponse("\(resource.name) list is not JSON: \(error)")
            }
            guard let metadata = page["metadata"], metadata.object != nil else {
                throw .malformedResponse("\(resource.name) list has no metadata")
            }
            if let pageItems = page["items"], !pageItems.isNull {
                guard let array = pageItems.array else {
                    throw .malformedResponse("\(resource.name) list: items is not an array")
                }
                for item in array {
                    if let entry = handler.entry(of: item) { entries.append(entry) }
                }
                listed += array.count
            }
            if pages == 0 { served = ObjectRepresentation.served(listKind: page["kind"]?.string) }
            resourceVersion = metadata["resourceVersion"]?.string ?? ""
            continueToken = metadata["continue"]?.string.flatMap { $0.isEmpty ? nil : $0 }
            pages += 1
        } while continueToken != nil
        guard !resourceVersion.isEmpty else {
            throw .malformedResponse("\(resource.name) list has no metadata.resourceVersion")
        }
        handler.replaceAll(with: entries)
        entries = []
        // Before readiness, so a ready process already has the memory of the steady state.
        afterList()
        let firstSync = !synced.exchange(true, ordering: .acquiringAndReleasing)
        metrics.sourceSynchronized(resource: resource.name, unixTime: WallClock.unixTime())
        let shape = switch (representation, served) {
        case (.metadata, .metadata): "metadata only"
        case (.metadata, .full): "full objects: the server ignored the metadata-only Accept"
        case (.full, _): "full objects"
        }
        logger.log(level: firstSync ? .info : .debug, """
            \(resource.name): listed \(listed) in \(pages) page(s) at resourceVersion \(resourceVersion) (\(shape))
            """)
        return resourceVersion
    }

    /// Streams events until the server ends the watch; keeps `resourceVersion` at the last event or bookmark.
    private func watch(from resourceVersion: inout String?, as representation: ObjectRepresentation,
                       backoff: inout Backoff) throws(KubernetesAPIError) {
        guard let start = resourceVersion else { return }
        let timeout = Int.random(in: watchTimeoutRange)
        let path = resource.collectionPath + query([
            ("watch", "true"), ("allowWatchBookmarks", "true"),
            ("resourceVersion", start), ("timeoutSeconds", String(timeout)),
        ])
        var latest = start
        defer { resourceVersion = latest }
        try client.watch(path, accept: representation.objectAccept, idleTimeout: .seconds(timeout + 30), stop: stopSignal) { (line: [UInt8]) throws(KubernetesAPIError) in
            let event = try WatchEvent(line: line)
            if event.kind == .error {
                let (code, message) = event.errorStatus
                // Any ERROR event ends this watch and relists, as a 410 does (the usual ERROR is "too old resource version").
                throw .status(code: 410, path: path, message: "watch ERROR event (code \(code)): \(message)")
            }
            if event.kind != .bookmark {
                handler.apply(event.kind, object: event.object)
            }
            if let version = event.resourceVersion, !version.isEmpty { latest = version }
            backoff.reset()
            metrics.sourceSynchronized(resource: resource.name, unixTime: WallClock.unixTime())
        }
    }
}
