import KubernetesClient
import JSONCore
import Locking
import Logging
import PodIdentity

/// The cache-miss path. Every pod that reaches the webhook has an existing ServiceAccount (the API server's
/// ServiceAccount admission checks first), so a miss means the watch lags: GET the ServiceAccount directly,
/// bounded by the caller's deadline, one GET per key however many pods wait on it, a short negative cache,
/// and a token bucket so a flood of pods cannot hammer the API server. A found ServiceAccount enters the store.
/// Everything kept of it is in its `metadata`, so the GET asks for metadata only (`PartialObjectMetadata`, full
/// objects as the server's fallback), and for full objects from the first 406 Not Acceptable on.
public final class ServiceAccountLookup: Sendable {
    public enum LookupResult: Sendable, Equatable {
        case found(ServiceAccountRecord)
        case notFound
        case failed(reason: String)
    }

    public typealias Completion = @Sendable (LookupResult) -> Void

    private struct State {
        var inFlight: [ServiceAccountKey: [Completion]] = [:]
        var recentlyMissing: [ServiceAccountKey: ContinuousClock.Instant] = [:]
        var bucket: TokenBucket
        var representation = ObjectRepresentation.metadata
    }

    private let client: KubernetesAPIClient
    private let store: ServiceAccountStore
    private let annotationPrefix: String
    private let logger: Logger
    private let metrics: any KubernetesSourceMetrics
    private let negativeCacheTTL: Duration
    private let maximumInFlight: Int
    private let state: Locked<State>

    /// Defaults: 10 GETs per second with bursts of 20 (upstream's rate), 1.5 s negative cache, 64 keys in flight.
    public init(
        client: KubernetesAPIClient,
        store: ServiceAccountStore,
        annotationPrefix: String,
        logger: Logger,
        metrics: any KubernetesSourceMetrics = NoKubernetesSourceMetrics(),
        negativeCacheTTL: Duration = .milliseconds(1500),
        requestsPerSecond: Double = 10,
        burst: Int = 20,
        maximumInFlight: Int = 64
    ) {
        self.client = client
        self.store = store
        self.annotationPrefix = annotationPrefix
        self.logger = logger
        self.metrics = metrics
        self.negativeCacheTTL = negativeCacheTTL
        self.maximumInFlight = maximumInFlight
        state = Locked(State(bucket: TokenBucket(rate: requestsPerSecond, burst: burst)))
    }

    /// Resolves `key` and calls `completion` exactly once, no later than about `deadline`. Never blocks the
    /// caller: an answer known without I/O (in the store, negatively cached, rate limited) is delivered before
    /// `lookup` returns, on the caller's thread; a GET delivers it from the lookup's own thread.
    public func lookup(_ key: ServiceAccountKey, deadline: ContinuousClock.Instant, completion: @escaping Completion) {
        metrics.serviceAccountCacheMiss()
        if let record = store.lookup(key) {  // the watch caught up meanwhile
            finish(.found(record), outcome: .found, completions: [completion])
            return
        }
        guard Self.isValidName(key.namespace), Self.isValidName(key.name) else {
            finish(.notFound, outcome: .notFound, completions: [completion])  // such a ServiceAccount cannot exist
            return
        }
        enum Decision { case joined, immediate(LookupResult, LookupOutcome), fetch(wait: Duration) }
        let now = ContinuousClock.now
        let decision = state.withLock { state -> Decision in
            if let until = state.recentlyMissing[key] {
                if now < until { return .immediate(.notFound, .notFound) }
                state.recentlyMissing[key] = nil
            }
            if state.inFlight[key] != nil {
                state.inFlight[key]!.append(completion)
                return .joined
            }
            guard state.inFlight.count < maximumInFlight else {
                return .immediate(.failed(reason: "too many ServiceAccount lookups in flight"), .rateLimited)
            }
            guard let wait = state.bucket.reserve(now: now, deadline: deadline) else {
                return .immediate(.failed(reason: "client-side rate limit for ServiceAccount lookups"), .rateLimited)
            }
            state.inFlight[key] = [completion]
            return .fetch(wait: wait)
        }
        switch decision {
        case .joined:
            return
        case .immediate(let result, let outcome):
            finish(result, outcome: outcome, completions: [completion])
        case .fetch(let wait):
            let started = DetachedThread.start { [self] in
                if wait > .zero { DetachedThread.sleep(wait) }
                let (result, outcome) = fetch(key, deadline: deadline)
                complete(key, result, outcome)
            }
            if !started {
                complete(key, .failed(reason: "cannot start a lookup thread"), .failed)
            }
        }
    }

    private func complete(_ key: ServiceAccountKey, _ result: LookupResult, _ outcome: LookupOutcome) {
        let completions = state.withLock { state -> [Completion] in
            if result == .notFound {
                state.recentlyMissing[key] = .now + negativeCacheTTL
                if state.recentlyMissing.count > 4096 {
                    let now = ContinuousClock.now
                    state.recentlyMissing = state.recentlyMissing.filter { $0.value > now }
                }
            }
            return state.inFlight.removeValue(forKey: key) ?? []
        }
        finish(result, outcome: outcome, completions: completions)
    }

    private func finish(_ result: LookupResult, outcome: LookupOutcome, completions: [Completion]) {
        metrics.serviceAccountLookupCompleted(outcome)
        for completion in completions { completion(result) }
    }

    private func fetch(_ key: ServiceAccountKey, deadline: ContinuousClock.Instant) -> (LookupResult, LookupOutcome) {
        let path = "/api/v1/namespaces/\(key.namespace)/serviceaccounts/\(key.name)"
        do {
            let body = try get(path, deadline: deadline)
            guard let object = try? JSON.parse(body),
                  let (parsedKey, record) = ServiceAccountMetadata.entry(of: object, prefix: annotationPrefix),
                  parsedKey == key
            else {
                return (.failed(reason: "the API server's answer for \(key) is not that ServiceAccount"), .failed)
            }
            store.upsert(key, record)
            metrics.serviceAccountCacheSize(store.count)
            logger.info("ServiceAccount \(key) was not in the cache yet; fetched it from the API server")
            return (.found(record), .found)
        } catch {
            if case .status(404, _, _) = error {
                logger.debug("ServiceAccount \(key) does not exist")
                return (.notFound, .notFound)
            }
            var reason = error.description
            if error.isAuthorizationFailure {
                reason += " (identity: \(client.identityDescription); RBAC needs get on serviceaccounts)"
            }
            logger.warning("looking up ServiceAccount \(key) failed: \(reason)")
            return (.failed(reason: reason), .failed)
        }
    }

    /// One GET in the representation the server accepts; a 406 to the metadata-only Accept is said once and
    /// answered by the same GET for the full object.
    private func get(_ path: String, deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> [UInt8] {
        let representation = state.withLock { $0.representation }
        do {
            return try client.get(path, accept: representation.objectAccept, deadline: deadline)
        } catch .status(406, _, let message) where representation == .metadata {
            let first = state.withLock { state in
                defer { state.representation = .full }
                return state.representation == .metadata
            }
            if first {
                logger.warning("""
                    serviceaccounts: the API server refuses metadata-only responses to a GET (HTTP 406: \(message)); \
                    getting full objects from now on
                    """)
            }
            return try client.get(path, accept: ObjectRepresentation.full.objectAccept, deadline: deadline)
        }
    }

    /// DNS-1123 subdomain characters: names outside them cannot exist and must not reach a URL path.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 253 && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}
