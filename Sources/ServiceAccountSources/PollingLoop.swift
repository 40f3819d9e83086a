#if canImport(Glibc)
import Glibc
#endif
import Locking
import Synchronization

/// Runs a tick every interval on its own thread until stopped. Polling, rather than inotify, also sees
/// Kubernetes' symlink swaps of mounted ConfigMaps and Secrets. A plain pthread, not a Swift task: the
/// concurrency runtime's executor (libdispatch) needs file descriptors lazily and traps when the process
/// has none left, which is exactly when a webhook under a connection flood must keep running.
final class PollingLoop: Sendable {
    private final class Run: Sendable {
        let stopped = Atomic<Bool>(false)
    }

    private let current = Locked<Run?>(nil)

    init() {}

    /// Starts ticking; does nothing when already running.
    func start(every interval: Duration, tick: @escaping @Sendable () -> Void) {
        current.withLock { current in
            guard current == nil else { return }
            let run = Run()
            current = run
            PollingThread.detach {
                while !run.stopped.load(ordering: .acquiring) {
                    PollingThread.sleep(interval, unless: run.stopped)
                    if run.stopped.load(ordering: .acquiring) { return }
                    tick()
                }
            }
        }
    }

    func stop() {
        current.withLock { current in
            current?.stopped.store(true, ordering: .releasing)
            current = nil
        }
    }

    deinit { stop() }
}

/// The pthread plumbing of `PollingLoop`.
private enum PollingThread {
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func detach(_ run: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        if status == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Body>.fromOpaque(context).release()
        }
    }

    /// Sleeps `duration` in slices of at most 50 ms, returning early once `stopped` is set.
    static func sleep(_ duration: Duration, unless stopped: borrowing Atomic<Bool>) {
        var remaining = duration
        let slice = Duration.milliseconds(50)
        while remaining > .zero && !stopped.load(ordering: .acquiring) {
            let step = min(remaining, slice)
            let (seconds, attoseconds) = step.components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var left = timespec()
            while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
            remaining -= step
        }
    }
}
