import Glibc
import Locking

/// A one-connection-at-a-time TCP server on 127.0.0.1, port 0 (the kernel picks; `port` says which): it reads a
/// request head and answers with scripted bytes, then closes. It records what it received.
final class LoopbackServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let received = Locked<[String]>([])

    init(answers: [[UInt8]]) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw SetupFailed() }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = self.listener
        DetachedThread.start { [received] in
            for answer in answers {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                var request: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !request.ends(with: Array("\r\n\r\n".utf8)) {
                    let count = recv(connection, &buffer, buffer.count, 0)
                    if count <= 0 { break }
                    request += buffer[0..<count]
                }
                received.withLock { $0.append(String(decoding: request, as: UTF8.self)) }
                _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(connection)
            }
        }
    }

    deinit { close(listener) }

    var requests: [String] { received.withLock { $0 } }

    struct SetupFailed: Error {}
}

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
