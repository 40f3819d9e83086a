/// Which Events are worth writing again. A reconcile repeats the same decision until something changes (a refusal
/// stays a refusal), so an Event already written is not written again until `repeatAfter` has passed: by default the
/// API server's own Event TTL (`--event-ttl`, 1 h), so a decision that still holds stays visible in `kubectl get
/// events` without one Event per reconcile. At most `capacity` Events are remembered (a controller watching many
/// namespaces must not grow without bound); when full, expired entries go first, then the oldest.
public struct EventRepeatFilter: Sendable {
    public static let defaultRepeatAfter: Double = 3600
    public static let defaultCapacity = 10_000

    public let repeatAfter: Double
    public let capacity: Int
    private var writtenAt: [String: Double] = [:]

    public init(repeatAfter: Double = defaultRepeatAfter, capacity: Int = defaultCapacity) {
        precondition(repeatAfter > 0 && capacity > 0, "EventRepeatFilter needs a positive interval and capacity")
        self.repeatAfter = repeatAfter
        self.capacity = capacity
    }

    public var count: Int { writtenAt.count }

    /// True when the Event `key` should be written now (seconds on a monotonic clock); it is then remembered as
    /// written at `now`. A write that failed is `forget`-ten so the next reconcile tries again.
    public mutating func shouldWrite(_ key: String, now: Double) -> Bool {
        if let last = writtenAt[key], now - last < repeatAfter { return false }
        if writtenAt[key] == nil, writtenAt.count >= capacity { makeRoom(now: now) }
        writtenAt[key] = now
        return true
    }

    public mutating func forget(_ key: String) {
        writtenAt[key] = nil
    }

    private mutating func makeRoom(now: Double) {
        writtenAt = writtenAt.filter { now - $0.value < repeatAfter }
        if writtenAt.count >= capacity, let oldest = writtenAt.min(by: { $0.value < $1.value }) {
            writtenAt[oldest.key] = nil
        }
    }
}
