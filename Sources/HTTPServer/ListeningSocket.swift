import Glibc
import Locking

/// Non-blocking TCP listeners bound with SO_REUSEPORT, so every event loop accepts on its own socket and
/// the kernel spreads connections across loops.
enum ListeningSocket {
    static let backlog: Int32 = 1024

    /// Binds `count` listeners on the same address; with port 0 the first picks the port for the others.
    static func bind(host: String, port: Int, count: Int) throws(ServerError) -> (fds: [Int32], port: Int) {
        var fds: [Int32] = []
        var boundPort = port
        do {
            for _ in 0..<count {
                fds.append(try bindOne(host: host, port: boundPort))
                if boundPort == 0 { boundPort = localPort(of: fds[0]) }
            }
        } catch {
            fds.forEach { _ = close($0) }
            throw error
        }
        return (fds, boundPort)
    }

    private static func bindOne(host: String, port: Int) throws(ServerError) -> Int32 {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .invalidAddress(host: host, port: port, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(results) }
        // With no host, prefer the IPv6 wildcard (dual-stack) when the kernel has IPv6.
        var chosen = first
        if host.isEmpty {
            var candidate: UnsafeMutablePointer<addrinfo>? = first
            while let current = candidate {
                if current.pointee.ai_family == AF_INET6 { chosen = current; break }
                candidate = current.pointee.ai_next
            }
        }
        let info = chosen.pointee
        let fd = socket(info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue),
                        info.ai_protocol)
        guard fd >= 0 else { throw .bindFailed(address: address, reason: SystemError.describe(errno)) }
        var one: Int32 = 1
        var zero: Int32 = 0
        let size = socklen_t(MemoryLayout<Int32>.size)
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, size)
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, size)
        if info.ai_family == AF_INET6 && host.isEmpty {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, size)
        }
        guard Glibc.bind(fd, info.ai_addr, info.ai_addrlen) == 0, listen(fd, backlog) == 0 else {
            let reason = SystemError.describe(errno)
            close(fd)
            throw .bindFailed(address: address, reason: reason)
        }
        return fd
    }

    private static func localPort(of fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer -> Int in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }
}
