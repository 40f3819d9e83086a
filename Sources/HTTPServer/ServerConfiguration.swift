import TLSSupport
#if canImport(Glibc)
import Glibc
#endif

public struct ServerConfiguration: Sendable {
    /// An IP address or host name to bind; empty binds all interfaces.
    public var host: String
    /// 0 picks an ephemeral port (see `HTTPServer.localPort`).
    public var port: Int
    /// nil serves plain HTTP/1.1 (the metrics/health port).
    public var tls: TLSServerSettings?
    public var limits: ServerLimits
    /// Event loop threads, each with its own SO_REUSEPORT listener.
    public var eventLoopCount: Int
    /// How often the certificate and key files are checked for changes.
    public var certificateReloadInterval: Duration

    public init(host: String, port: Int, tls: TLSServerSettings?, limits: ServerLimits = ServerLimits(),
                eventLoopCount: Int = ServerConfiguration.defaultEventLoopCount,
                certificateReloadInterval: Duration = .seconds(2)) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
        self.eventLoopCount = eventLoopCount
        self.certificateReloadInterval = certificateReloadInterval
    }

    /// One loop per online core.
    public static var defaultEventLoopCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
