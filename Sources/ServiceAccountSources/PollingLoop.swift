import Synchronization

/// Runs `tick` every `interval` on a background task until stopped. Polling, rather than inotify,
/// also sees Kubernetes' symlink swaps of mounted ConfigMaps and Secrets.
final class PollingLoop: Sendable {
    private let interval: Duration
    private let tick: @Sendable () -> Void
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(interval: Duration, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
    }

    func start() {
        task.withLock { current in
            guard current == nil else { return }
            let interval = self.interval, tick = self.tick
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
