import Glibc

/// Detached threads for the background loops (file polling, Kubernetes list/watch, lookups), started by
/// `SystemThread`.
public enum DetachedThread {
    /// False when the system refuses a new thread (resource limits): the caller reports a failure.
    @discardableResult
    public static func start(_ run: @escaping @Sendable () -> Void) -> Bool {
        guard let thread = try? SystemThread.start(run) else { return false }
        thread.detach()
        return true
    }

    /// Sleeps the calling thread for `duration` (resumed after signals).
    public static func sleep(_ duration: Duration) {
        var request = duration.timespec
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
