import Locking

/// The bearer token sent to the API server: a fixed string, or a file re-read periodically because
/// bound ServiceAccount tokens are rotated by the kubelet (about every hour; client-go re-reads each minute).
public final class BearerTokenSource: Sendable {
    public enum Origin: Sendable, Equatable {
        case literal
        case file(String)
    }

    public let origin: Origin
    private let refreshInterval: Duration
    private let cached: Locked<(token: String, readAt: ContinuousClock.Instant)>

    public init(token: String) {
        origin = .literal
        refreshInterval = .seconds(Int64.max / 4)
        cached = Locked((token, .now))
    }

    /// Reads the file now (so a missing or empty file fails at start-up) and again once `refreshInterval` has passed.
    public init(file path: String, refreshInterval: Duration = .seconds(60)) throws(KubernetesConfigurationError) {
        origin = .file(path)
        self.refreshInterval = refreshInterval
        cached = Locked((try Self.readToken(path), .now))
    }

    /// The current token. A failed re-read keeps the previous token (the file may be mid-swap).
    public func current() -> String {
        guard case .file(let path) = origin else { return cached.withLock { $0.token } }
        let (token, stale) = cached.withLock { ($0.token, $0.readAt.duration(to: .now) >= refreshInterval) }
        guard stale, let fresh = try? Self.readToken(path) else { return token }
        cached.withLock { $0 = (fresh, .now) }
        return fresh
    }

    static func readToken(_ path: String) throws(KubernetesConfigurationError) -> String {
        let token = try FileContents.readString(path).trimmingWhitespace()
        guard !token.isEmpty else { throw .unreadableFile(path: path, reason: "the token file is empty") }
        guard !token.utf8.contains(where: { $0 < 0x21 || $0 == 0x7f }) else {
            throw .unreadableFile(path: path, reason: "the token contains whitespace or control characters")
        }
        return token
    }
}
