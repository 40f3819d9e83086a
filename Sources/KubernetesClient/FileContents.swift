import FileSystem

/// Whole-file reads for small configuration files (tokens, certificates, kubeconfigs), with a size cap
/// so a wrong path (a device, a huge log) fails clearly instead of filling memory.
enum FileContents {
    static let maximumBytes = 4 << 20

    static func read(_ path: String) throws(KubernetesConfigurationError) -> [UInt8] {
        do {
            return try FileSystem.read(path, maxBytes: maximumBytes)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
    }

    static func readString(_ path: String) throws(KubernetesConfigurationError) -> String {
        String(decoding: try read(path), as: UTF8.self)
    }
}
