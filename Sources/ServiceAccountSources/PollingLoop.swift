import Locking

/// Runs a tick every interval on a background task until stopped. Polling, rather than inotify,
/// also sees Kubernetes' symlink swaps of mounted ConfigMaps and Secrets.
final class PollingLoop: Sendable {
    private let task = Locked<Task<Void, Never>?>(nil)

    init() {}

    /// Starts ticking; does nothing when already running.
    func start(every interval: Duration, tick: @escaping @Sendable () -> Void) {
        task.withLock { current in
            guard current == nil else { return }
            current = Task.detached {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: interval) } catch { return }
                    tick()
                }
            }
        }
    }

    func stop() {
        task.withLock { current in
            current?.cancel()
            current = nil
        }
    }

    deinit { task.withLock { $0?.cancel() } }
}
