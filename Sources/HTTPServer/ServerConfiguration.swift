import TLSSupport
import Glibc

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

    /// One loop per usable core: online cores, capped by a cgroup v2 CPU quota (a Kubernetes CPU limit).
    public static var defaultEventLoopCount: Int {
        let online = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        guard let quota = cgroupCPUQuota() else { return online }
        return max(1, min(online, quota))
    }

    /// `ceil(quota / period)` from `/sys/fs/cgroup/cpu.max` ("max 100000" means no quota).
    static func cgroupCPUQuota(path: String = "/sys/fs/cgroup/cpu.max") -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count >= 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0 else {
            return nil
        }
        return (quota + period - 1) / period
    }
}
