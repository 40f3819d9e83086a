import CWebhookShims
import TLSSupport
import Logging
import Synchronization
import Glibc
import Locking

/// One thread, one epoll instance, one SO_REUSEPORT listener and the connections it accepted.
/// Everything but `execute` runs on the loop's own thread; `@unchecked Sendable` rests on that confinement,
/// which `assertInEventLoop` checks in debug builds.
final class EventLoop: @unchecked Sendable {
    let index: Int
    let context: ServerContext
    private let epollFD: Int32
    private let wakeFD: Int32
    private var listenFD: Int32
    /// Held open so that, out of descriptors, a pending connection can still be accepted and closed
    /// instead of waking epoll forever.
    private var reserveFD: Int32
    /// True while the listener is out of epoll after EMFILE (until the next tick).
    private var acceptPaused = false
    private struct TaskQueue {
        var tasks: [@Sendable () -> Void] = []
        /// Set when the loop has stopped: late responses are dropped instead of written to a closed eventfd.
        var closed = false
    }

    private let taskQueue = Locked(TaskQueue())
    /// `pthread_self()` of the loop thread, published by the thread itself.
    private let loopThreadID = Atomic<UInt>(0)
    private var connections: [Int32: Connection] = [:]
    private var rerun: [Connection] = []
    private var running = true
    private var loopThread: SystemThread?
    private var nextTick: UInt64 = 0
    private var nextCertificateCheck: UInt64 = 0
    /// Scratch space for reads; shared by the loop's connections since reads never overlap.
    var readBuffer = [UInt8](repeating: 0, count: 32 * 1024)
    private var dateCache = HTTPDateCache()

    static let tickNanoseconds: UInt64 = 250_000_000
    static let acceptBatch = 64

    init(index: Int, context: ServerContext, listenFD: Int32) throws(ServerError) {
        self.index = index
        self.context = context
        self.listenFD = listenFD
        epollFD = cws_epoll_create()
        wakeFD = cws_eventfd_create()
        reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard epollFD >= 0, wakeFD >= 0 else {
            throw .systemCallFailed(call: "epoll_create1/eventfd", reason: SystemError.describe(errno))
        }
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, cws_EPOLLIN(), UInt64(wakeFD))
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_ADD, listenFD, cws_EPOLLIN(), UInt64(listenFD))
    }

    // MARK: Cross-thread entry points

    /// Runs `task` on the loop thread (after the current batch of events when called from the loop itself).
    func execute(_ task: @escaping @Sendable () -> Void) {
        let onLoop = isOnLoopThread
        taskQueue.withLock { queue in
            guard !queue.closed else { return }
            queue.tasks.append(task)
            if queue.tasks.count == 1 && !onLoop {
                var one: UInt64 = 1
                _ = write(wakeFD, &one, 8)
            }
        }
    }

    var isOnLoopThread: Bool { pthread_equal(pthread_t(loopThreadID.load(ordering: .relaxed)), pthread_self()) != 0 }

    /// Traps in debug builds when called off the loop's thread (as swift-nio's `assertInEventLoop`); compiled
    /// out of release builds.
    @inline(__always)
    func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(isOnLoopThread, "event loop \(index) state touched off its thread", file: file, line: line)
    }

    /// The `Date` field value for responses now, formatted at most once a second for this loop.
    var httpDate: HTTPDateCache {
        assertInEventLoop()
        dateCache.refresh()
        return dateCache
    }

    func start() throws(ServerError) {
        do {
            loopThread = try SystemThread.start { [self] in run() }
        } catch {
            throw .systemCallFailed(call: "pthread_create", reason: SystemError.describe(error.code))
        }
    }

    func join() {
        loopThread?.join()
    }

    // MARK: Loop

    private func run() {
        loopThreadID.store(UInt(pthread_self()), ordering: .relaxed)
        var datas = [UInt64](repeating: 0, count: Int(CWS_EPOLL_MAX_EVENTS))
        var flags = [UInt32](repeating: 0, count: Int(CWS_EPOLL_MAX_EVENTS))
        nextTick = monotonicNanoseconds() + Self.tickNanoseconds
        nextCertificateCheck = monotonicNanoseconds() + context.configuration.certificateReloadInterval.nanoseconds
        while running {
            let now = monotonicNanoseconds()
            let timeoutMs = rerun.isEmpty ? Int32((nextTick > now ? nextTick - now : 0) / 1_000_000) + 1 : 0
            let count = cws_epoll_wait(epollFD, &datas, &flags, Int32(datas.count), timeoutMs)
            if count < 0 && errno != EINTR {
                context.logger.critical("epoll_wait failed; event loop stops",
                                        metadata: ["loop": "\(index)", "error": "\(SystemError.describe(errno))"])
                break
            }
            for event in 0..<max(0, Int(count)) {
                dispatch(fd: Int32(truncatingIfNeeded: datas[event]), flags: flags[event])
            }
            runTasks()
            if !rerun.isEmpty {
                let again = rerun
                rerun.removeAll()
                for connection in again where !connection.isClosed { connection.process() }
                runTasks()
            }
            let after = monotonicNanoseconds()
            if after >= nextTick {
                nextTick = after + Self.tickNanoseconds
                tick(now: after)
            }
        }
        for connection in Array(connections.values) { connection.close(reason: "server stopped") }
        taskQueue.withLock { $0.closed = true }
        closeListener()
        close(epollFD)
        close(wakeFD)
        if reserveFD >= 0 { close(reserveFD) }
    }

    private func dispatch(fd: Int32, flags: UInt32) {
        if fd == wakeFD {
            var value: UInt64 = 0
            _ = read(wakeFD, &value, 8)
        } else if fd == listenFD {
            acceptConnections()
        } else if let connection = connections[fd] {
            connection.handleEvent(flags: flags)
        }
    }

    private func runTasks() {
        // Tasks may enqueue more tasks (an inline handler answering); keep going until the queue is empty.
        while true {
            let batch = taskQueue.withLock { queue -> [@Sendable () -> Void] in
                defer { queue.tasks.removeAll(keepingCapacity: true) }
                return queue.tasks
            }
            if batch.isEmpty { return }
            for task in batch { task() }
        }
    }

    private func tick(now: UInt64) {
        resumeAcceptingIfPaused()
        trimHeapAfterManyCloses()
        for connection in Array(connections.values) { connection.checkTimeouts(now: now) }
        if index == 0, let certificates = context.certificates, now >= nextCertificateCheck {
            nextCertificateCheck = now + context.configuration.certificateReloadInterval.nanoseconds
            checkCertificates(certificates)
        }
    }

    private func checkCertificates(_ certificates: CertificateReloader) {
        guard let outcome = certificates.checkForChanges() else { return }
        let paths: Logger.Metadata = ["certificate": "\(certificates.settings.certificatePath)",
                                      "key": "\(certificates.settings.keyPath)"]
        switch outcome {
        case .reloaded(let notAfter):
            context.logger.info("serving certificate reloaded", metadata: paths.merging(
                ["notAfter": "\(notAfter.map(String.init) ?? "unknown")"]) { $1 })
            context.observer?.certificateReloaded(success: true, notAfter: notAfter, error: nil)
        case .failed(let error):
            context.logger.error("certificate reload failed; keeping the previous certificate",
                                 metadata: paths.merging(["error": "\(error)"]) { $1 })
            context.observer?.certificateReloaded(success: false, notAfter: certificates.current.notAfter,
                                                  error: error.description)
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        for _ in 0..<Self.acceptBatch {
            let fd = SystemError.retryingOnInterrupt { cws_accept4_nonblocking(listenFD, nil, nil) }
            if fd < 0 {
                switch errno {
                case EAGAIN, EWOULDBLOCK: return
                case ECONNABORTED, EPROTO: continue
                case EMFILE, ENFILE:
                    shedWithReserveDescriptor()
                    return
                default:
                    context.logger.error("accept failed", metadata: ["loop": "\(index)", "error": "\(SystemError.describe(errno))"])
                    return
                }
            }
            let limits = context.limits
            if context.shuttingDown.load(ordering: .relaxed) {
                close(fd)
                continue
            }
            if context.connectionCount.add(1, ordering: .relaxed).oldValue >= limits.maxConnections {
                context.connectionCount.subtract(1, ordering: .relaxed)
                context.observer?.protocolError(.connectionLimit)
                close(fd)
                context.logger.debug("connection limit reached; connection closed",
                                     metadata: ["maxConnections": "\(limits.maxConnections)"])
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            guard let connection = Connection(fd: fd, loop: self) else {
                context.connectionCount.subtract(1, ordering: .relaxed)
                close(fd)
                continue
            }
            connections[fd] = connection
            context.observer?.connectionOpened()
            _ = cws_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, connection.desiredInterest, UInt64(fd))
            connection.registeredInterest = connection.desiredInterest
        }
    }

    /// Out of descriptors: free the reserve, accept and close one pending connection (so that client
    /// is told at once), take the reserve back, and stop watching the listener until the next tick:
    /// a level-triggered listener that cannot be accepted from would otherwise spin this loop.
    private func shedWithReserveDescriptor() {
        context.observer?.protocolError(.connectionLimit)
        if reserveFD >= 0 {
            close(reserveFD)
            let fd = SystemError.retryingOnInterrupt { cws_accept4_nonblocking(listenFD, nil, nil) }
            if fd >= 0 { close(fd) }
            reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }
        guard !acceptPaused, listenFD >= 0 else { return }
        acceptPaused = true
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, 0, 0)
        context.logger.error("out of file descriptors; new connections wait until some close",
                             metadata: ["loop": "\(index)", "error": "\(SystemError.describe(errno))"])
    }

    /// Connections closed since the heap was last trimmed.
    private var closedSinceTrim = 0

    /// After a burst of connections (thousands of idle clients, a flood) glibc keeps their freed memory
    /// in its arenas; trimming gives it back, so RSS returns to its baseline instead of staying at the peak.
    /// At most once a tick, and only after many closes: malloc_trim walks every arena.
    private func trimHeapAfterManyCloses() {
        guard closedSinceTrim >= 256 else { return }
        closedSinceTrim = 0
        _ = cws_malloc_trim()
    }

    /// Called every tick: watch the listener again (and retake the reserve if another thread had the slot).
    private func resumeAcceptingIfPaused() {
        guard acceptPaused, listenFD >= 0 else { return }
        if reserveFD < 0 { reserveFD = open("/dev/null", O_RDONLY | O_CLOEXEC) }
        acceptPaused = false
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_ADD, listenFD, cws_EPOLLIN(), UInt64(listenFD))
    }

    // MARK: Connection bookkeeping (loop thread only)

    func updateInterest(_ connection: Connection) {
        assertInEventLoop()
        let wanted = connection.desiredInterest
        guard wanted != connection.registeredInterest else { return }
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_MOD, connection.fd, wanted, UInt64(connection.fd))
        connection.registeredInterest = wanted
    }

    func scheduleRerun(_ connection: Connection) {
        assertInEventLoop()
        rerun.append(connection)
    }

    func removed(_ connection: Connection) {
        assertInEventLoop()
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, 0, 0)
        connections[connection.fd] = nil
        context.connectionCount.subtract(1, ordering: .relaxed)
        context.observer?.connectionClosed()
        closedSinceTrim += 1
    }

    // MARK: Shutdown (run on the loop thread via execute)

    func beginShutdown() {
        assertInEventLoop()
        closeListener()
        for connection in Array(connections.values) { connection.beginGracefulShutdown() }
    }

    func stop() {
        running = false
    }

    private func closeListener() {
        guard listenFD >= 0 else { return }
        _ = cws_epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, 0, 0)
        close(listenFD)
        listenFD = -1
    }
}
