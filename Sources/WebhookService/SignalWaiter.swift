import Glibc
import Locking

/// Turns SIGTERM and SIGINT into something a thread can wait for. The signals are blocked in the
/// calling thread before any other thread starts (threads inherit the mask), then taken with sigwait:
/// no async-signal-safety constraints on what happens next.
public struct SignalWaiter: Sendable {
    private var set = sigset_t()

    /// Call first thing, before starting any thread.
    public init(signals: [Int32] = [SIGTERM, SIGINT]) {
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until one of the signals arrives; returns its number.
    public func wait() -> Int32 {
        var received: Int32 = 0
        var copy = set
        while sigwait(&copy, &received) != 0 {}
        return received
    }

    /// Waits at most `timeout` for another signal; nil when none came.
    public func wait(timeout: Duration) -> Int32? {
        var copy = set
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return nil }
            var interval = remaining.timespec
            let received = sigtimedwait(&copy, nil, &interval)
            if received > 0 { return received }
            if errno != EINTR && errno != EAGAIN { return nil }
        }
    }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        default: "signal \(signal)"
        }
    }
}
