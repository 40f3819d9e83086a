import Glibc

/// Plain detached pthreads for the background loops (file polling, Kubernetes list/watch, lookups): they block,
/// so they never take the event loops or Swift's cooperative pool, whose executor needs descriptors lazily and
/// traps when the process has none left.
public enum DetachedThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// False when the system refuses a new thread (resource limits): the caller reports a failure.
    @discardableResult
    public static func start(_ run: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    /// Sleeps the calling thread for `duration` (resumed after signals).
    public static func sleep(_ duration: Duration) {
        var request = duration.timespec
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
