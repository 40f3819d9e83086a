import Logging
import TLSSupport
import Glibc
import Locking

/// An HTTPS (HTTP/2 and HTTP/1.1 via ALPN) or plain HTTP/1.1 server on epoll, one event loop per core.
public final class HTTPServer: Sendable {
    private enum Lifecycle {
        case idle
        case running([EventLoop])
        case stopped
    }

    public let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let observer: (any ServerObserver)?
    private let state = Locked<(lifecycle: Lifecycle, context: ServerContext?, port: Int)>((.idle, nil, 0))

    public init(configuration: ServerConfiguration, handler: any HTTPHandler, logger: Logger,
                observer: (any ServerObserver)? = nil) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.observer = observer
    }

    /// Loads the certificate (errors name the file), binds (errors name host:port and the errno text) and
    /// starts the event loops.
    public func start() throws(ServerError) {
        signal(SIGPIPE, SIG_IGN)
        var certificates: CertificateReloader?
        if let tls = configuration.tls {
            do { certificates = try CertificateReloader(settings: tls) } catch { throw .tls(error) }
        }
        let context = ServerContext(configuration: configuration, handler: handler, logger: logger,
                                    observer: observer, certificates: certificates)
        try state.withLock { state throws(ServerError) in
            guard case .idle = state.lifecycle else { throw .alreadyStarted }
            let count = max(1, configuration.eventLoopCount)
            let (fds, port) = try ListeningSocket.bind(host: configuration.host, port: configuration.port, count: count)
            var loops: [EventLoop] = []
            do throws(ServerError) {
                for (index, fd) in fds.enumerated() {
                    let loop = try EventLoop(index: index, context: context, listenFD: fd)
                    try loop.start()
                    loops.append(loop)
                }
            } catch {
                // Started loops close their own listener when stopped; the rest are closed here.
                loops.forEach { loop in loop.execute { loop.stop() } }
                loops.forEach { $0.join() }
                fds[loops.count...].forEach { _ = close($0) }
                throw error
            }
            state = (.running(loops), context, port)
        }
        logger.info("server listening", metadata: [
            "address": "\(configuration.host):\(localPort)",
            "tls": "\(configuration.tls != nil)",
            "eventLoops": "\(max(1, configuration.eventLoopCount))",
            "certificateNotAfter": "\(servingCertificateNotAfter.map(String.init) ?? "none")",
        ])
    }

    /// The bound port (useful with port 0); 0 before `start()`.
    public var localPort: Int { state.withLock { $0.port } }

    /// The serving certificate's notAfter (Unix seconds); nil without TLS or before `start()`.
    public var servingCertificateNotAfter: Int64? {
        state.withLock { $0.context?.certificates?.current.notAfter }
    }

    /// Connections currently open.
    public var openConnections: Int { state.withLock { $0.context?.connectionCount.load(ordering: .relaxed) ?? 0 } }

    /// Stops accepting (listeners closed), sends GOAWAY on HTTP/2, `Connection: close` on HTTP/1.1, and closes
    /// idle connections. In-flight requests continue.
    public func beginShutdown() {
        let (loops, context) = state.withLock { state -> ([EventLoop], ServerContext?) in
            if case .running(let loops) = state.lifecycle { return (loops, state.context) }
            return ([], nil)
        }
        guard let context, !context.shuttingDown.exchange(true, ordering: .relaxed) else { return }
        logger.info("server shutting down", metadata: ["openConnections": "\(openConnections)"])
        for loop in loops { loop.execute { loop.beginShutdown() } }
    }

    /// Waits until every connection has finished (true) or `timeout` passes (false); then stops the loops and
    /// closes whatever is left. Bounded by `timeout` plus the time to stop the threads.
    @discardableResult
    public func waitForDrain(timeout: Duration) -> Bool {
        beginShutdown()
        let (loops, context) = state.withLock { state -> ([EventLoop], ServerContext?) in
            if case .running(let loops) = state.lifecycle {
                state.lifecycle = .stopped
                return (loops, state.context)
            }
            return ([], nil)
        }
        guard let context else { return true }
        let deadline = monotonicNanoseconds() + timeout.nanoseconds
        var drained = context.connectionCount.load(ordering: .relaxed) == 0
        while !drained && monotonicNanoseconds() < deadline {
            var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
            nanosleep(&pause, nil)
            drained = context.connectionCount.load(ordering: .relaxed) == 0
        }
        if !drained {
            logger.warning("shutdown timed out; closing remaining connections",
                           metadata: ["openConnections": "\(context.connectionCount.load(ordering: .relaxed))"])
        }
        for loop in loops { loop.execute { loop.stop() } }
        for loop in loops { loop.join() }
        logger.info("server stopped", metadata: ["drained": "\(drained)"])
        return drained
    }
}
