#if canImport(Glibc)
import Glibc
#endif
import Locking

/// Log lines off the hot path, as nginx's `access_log ... buffer= flush=`: the thread that logs (an event
/// loop, a source thread) formats its line and appends it to one bounded buffer under a short lock; a thread
/// of its own writes the buffer to the descriptor in batches, at the latest `flushInterval` after the first
/// line of a batch. A slow or full standard error blocks only that thread: once the buffer holds
/// `capacityBytes`, further lines are dropped and counted (`droppedLines`), never waited for. One buffer for
/// every thread keeps the lines in the order they were logged.
public final class LogWriter: @unchecked Sendable {
    // @unchecked: every stored var is read and written only with `mutex` held.
    public struct Settings: Sendable {
        /// Bytes held at most while the descriptor does not take them; beyond, lines are dropped.
        public var capacityBytes = 4 << 20
        /// Room for one long line (a decision with warnings), so a small buffer still takes every line.
        public static let minimumCapacityBytes = 16 << 10
        /// A batch this large is written at once, without waiting for the interval.
        public var batchBytes: Int { min(64 << 10, capacityBytes / 2) }
        /// The longest a line waits in the buffer.
        public var flushInterval = Duration.milliseconds(100)

        public init() {}
    }

    /// The writer thread's life: `finish` moves it to `draining`; the thread, once the buffer is empty, to
    /// `finished`. Lines logged after `finished` (the process is exiting) are written directly.
    private enum Phase { case running, draining, finished }

    private let descriptor: Int32
    private let settings: Settings
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wakeWriter = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let writerFinished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var pending: [UInt8] = []
    private var pendingLines = 0
    /// The buffer last written, emptied with its capacity kept: the two swap, so appends rarely allocate.
    private var spare: [UInt8] = []
    private var dropped = 0
    private var phase = Phase.running

    /// Starts the writer thread; without one (the system refuses threads) every line is written directly.
    public init(descriptor: Int32, settings: Settings = Settings()) {
        self.descriptor = descriptor
        self.settings = settings
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(wakeWriter, &attributes)
        pthread_cond_init(writerFinished, &attributes)
        pthread_condattr_destroy(&attributes)
        pending.reserveCapacity(settings.batchBytes)
        if !DetachedThread.start({ [self] in writeLoop() }) { phase = .finished }
    }

    deinit {
        pthread_cond_destroy(wakeWriter)
        pthread_cond_destroy(writerFinished)
        pthread_mutex_destroy(mutex)
        wakeWriter.deallocate()
        writerFinished.deallocate()
        mutex.deallocate()
    }

    /// Lines dropped so far because the buffer was full.
    public var droppedLines: Int { locked { dropped } }

    /// Queues one whole line (its newline included). Never waits for the descriptor.
    public func append(_ line: UnsafeBufferPointer<UInt8>) {
        pthread_mutex_lock(mutex)
        guard phase != .finished else {
            pthread_mutex_unlock(mutex)
            _ = Self.writeAll(descriptor, UnsafeRawBufferPointer(line))
            return
        }
        guard pending.count + line.count <= settings.capacityBytes else {
            dropped += 1
            pthread_mutex_unlock(mutex)
            return
        }
        let before = pending.count
        pending.append(contentsOf: line)
        pendingLines += 1
        // The writer sleeps without a deadline while the buffer is empty, and until the interval ends or a
        // batch is full after that: wake it only on those two edges.
        if before == 0 || (before < settings.batchBytes && pending.count >= settings.batchBytes) {
            pthread_cond_signal(wakeWriter)
        }
        pthread_mutex_unlock(mutex)
    }

    public func append(_ line: [UInt8]) {
        line.withUnsafeBufferPointer { append($0) }
    }

    /// Writes every line queued so far and stops the writer thread; later lines are written directly. Waits at
    /// most `timeout`: a descriptor nobody reads must not keep the process from exiting. True when all was written.
    @discardableResult
    public func finish(timeout: Duration) -> Bool {
        let deadline = Self.monotonicDeadline(after: timeout)
        return locked {
            if phase == .running { phase = .draining }
            pthread_cond_signal(wakeWriter)
            while phase != .finished {
                var until = deadline
                if pthread_cond_timedwait(writerFinished, mutex, &until) == ETIMEDOUT { break }
            }
            return phase == .finished
        }
    }

    // MARK: The writer thread

    private func writeLoop() {
        pthread_mutex_lock(mutex)
        while true {
            while pending.isEmpty && phase == .running { pthread_cond_wait(wakeWriter, mutex) }
            var deadline = Self.monotonicDeadline(after: settings.flushInterval)
            while phase == .running && pending.count < settings.batchBytes {
                if pthread_cond_timedwait(wakeWriter, mutex, &deadline) == ETIMEDOUT { break }
            }
            if pending.isEmpty {  // only when draining: everything is written
                phase = .finished
                pthread_cond_broadcast(writerFinished)
                pthread_mutex_unlock(mutex)
                return
            }
            var batch = spare
            swap(&batch, &pending)
            let lines = pendingLines
            pendingLines = 0
            pthread_mutex_unlock(mutex)

            let written = batch.withUnsafeBytes { Self.writeAll(descriptor, $0) }
            batch.removeAll(keepingCapacity: true)

            pthread_mutex_lock(mutex)
            spare = batch
            if !written { dropped += lines }
        }
    }

    /// Writes all of `bytes`, waiting for the descriptor as long as it takes (it may be non-blocking). False
    /// on an error such as a closed pipe: the batch is lost and counted.
    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let result = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if result > 0 {
                offset += result
            } else if result < 0 && errno == EINTR {
                continue
            } else if result < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&ready, 1, -1)
            } else {
                return false
            }
        }
        return true
    }

    private static func monotonicDeadline(after duration: Duration) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + Int(seconds) + nanoseconds / 1_000_000_000,
                        tv_nsec: nanoseconds % 1_000_000_000)
    }

    private func locked<Result>(_ body: () -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}
