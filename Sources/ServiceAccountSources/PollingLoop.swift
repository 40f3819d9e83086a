import Locking
import Synchronization

/// Runs a tick every interval on its own thread until stopped. Polling, rather than inotify, also sees
/// Kubernetes' symlink swaps of mounted ConfigMaps and Secrets. A `DetachedThread`, not a Swift task: the
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
            DetachedThread.start {
                while !run.stopped.load(ordering: .acquiring) {
                    sleep(interval, unless: run.stopped)
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

/// Sleeps `duration` in slices of at most 50 ms, returning early once `stopped` is set.
private func sleep(_ duration: Duration, unless stopped: borrowing Atomic<Bool>) {
    var remaining = duration
    while remaining > .zero && !stopped.load(ordering: .acquiring) {
        let step = min(remaining, .milliseconds(50))
        DetachedThread.sleep(step)
        remaining -= step
    }
}
