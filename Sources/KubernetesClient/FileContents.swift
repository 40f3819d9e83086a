import Glibc

/// Whole-file reads for small configuration files (tokens, certificates, kubeconfigs), with a size cap
/// so a wrong path (a device, a huge log) fails clearly instead of filling memory.
enum FileContents {
    static let maximumBytes = 4 << 20

    static func read(_ path: String) throws(KubernetesConfigurationError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
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
            if bytes.count > maximumBytes {
                throw .unreadableFile(path: path, reason: "larger than \(maximumBytes) bytes")
            }
        }
    }

    static func readString(_ path: String) throws(KubernetesConfigurationError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }
}
