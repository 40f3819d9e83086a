import Synchronization
import Locking

/// What `/readyz` reports: ready only when the serving certificate is loaded, every configured
/// ServiceAccount source has synced, and the process is not shutting down.
/// `/livez` and `/healthz` only say the process answers.
public final class HealthState: Sendable {
    public struct Check: Sendable {
        public let name: String
        public let isReady: @Sendable () -> Bool

        public init(name: String, isReady: @escaping @Sendable () -> Bool) {
            self.name = name
            self.isReady = isReady
        }
    }

    private let checks = Locked<[Check]>([])
    private let shuttingDown = Atomic<Bool>(false)

    public init() {}

    public func addCheck(_ check: Check) {
        checks.withLock { $0.append(check) }
    }

    public func beginShutdown() {
        shuttingDown.store(true, ordering: .releasing)
    }

    public var isShuttingDown: Bool { shuttingDown.load(ordering: .acquiring) }

    /// The names of the checks that fail, in registration order; empty when ready.
    public func failingChecks() -> [String] {
        var failing = checks.withLock { $0 }.filter { !$0.isReady() }.map(\.name)
        if isShuttingDown { failing.append("shutting-down") }
        return failing
    }
}
