import Logging
import Synchronization
import TLSSupport

/// What every event loop shares: configuration, the handler, and server-wide counters (atomics, no locks).
final class ServerContext: Sendable {
    let configuration: ServerConfiguration
    let handler: any HTTPHandler
    let logger: Logger
    let observer: (any ServerObserver)?
    let certificates: CertificateReloader?
    let connectionCount = Atomic<Int>(0)
    let pendingRequests = Atomic<Int>(0)
    let shuttingDown = Atomic<Bool>(false)

    init(configuration: ServerConfiguration, handler: any HTTPHandler, logger: Logger,
         observer: (any ServerObserver)?, certificates: CertificateReloader?) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.observer = observer
        self.certificates = certificates
    }

    var limits: ServerLimits { configuration.limits }

    /// Reserves a handler slot; false when the server is overloaded.
    func acquirePendingSlot() -> Bool {
        let previous = pendingRequests.add(1, ordering: .relaxed).oldValue
        if previous >= limits.maxPendingRequests {
            pendingRequests.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releasePendingSlot() {
        pendingRequests.subtract(1, ordering: .relaxed)
    }
}
