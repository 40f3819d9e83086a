import Synchronization

/// Set once to make blocking loops (socket waits, backoff pauses) return promptly.
/// Waits poll it at least every `StopSignal.pollSlice`.
public final class StopSignal: Sendable {
    public static let pollSlice: Duration = .milliseconds(200)
    private let stopped = Atomic<Bool>(false)

    public init() {}

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    public func stop() { stopped.store(true, ordering: .releasing) }

    /// Sleeps for `duration` unless stopped first; returns false when stopped.
    public func pause(for duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        while !isStopped {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return true }
            DetachedThread.sleep(min(left, Self.pollSlice))
        }
        return false
    }
}
