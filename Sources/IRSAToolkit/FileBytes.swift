import Glibc

/// Whole-file reads of keys and certificates, capped: a wrong path (a device, a log) fails clearly
/// instead of filling memory.
enum FileBytes {
    /// Far above any PEM key or certificate chain.
    static let maximumBytes = 1 << 20

    static func read(_ path: String) throws(ToolkitError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumBytes { throw .fileTooLarge(path: path, limit: maximumBytes) }
        }
    }
}
