import Locking

/// Runs a tick every interval on its own thread until stopped. Polling, rather than inotify, also sees
/// Kubernetes' symlink swaps of mounted ConfigMaps and Secrets. A `DetachedThread`, not a Swift task: the
/// concurrency runtime's executor (libdispatch) needs file descriptors lazily and traps when the process
/// has none left, which is exactly when a webhook under a connection flood must keep running.
final class PollingLoop: Sendable {
    private let current = Locked<StopSignal?>(nil)

    init() {}

    /// Starts ticking; does nothing when already running.
    func start(every interval: Duration, tick: @escaping @Sendable () -> Void) {
        current.withLock { current in
            guard current == nil else { return }
            let run = StopSignal()
            current = run
            DetachedThread.start {
                while run.pause(for: interval) { tick() }
            }
        }
    }

    func stop() {
        current.withLock { current in
            current?.stop()
            current = nil
        }
    }

    deinit { stop() }
}
