import FileSystem

/// Whole-file reads of keys and certificates, capped: a wrong path (a device, a log) fails clearly
/// instead of filling memory.
enum FileBytes {
    /// Far above any PEM key or certificate chain.
    static let maximumBytes = 1 << 20

    static func read(_ path: String) throws(ToolkitError) -> [UInt8] {
        do {
            return try FileSystem.read(path, maxBytes: maximumBytes)
        } catch where error.reason.hasPrefix("larger than") {
            throw .fileTooLarge(path: path, limit: maximumBytes)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
    }
}
