import Glibc
import Locking

/// Why a file or folder could not be read: the path and the system's reason (never the content).
public struct FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// The few file operations the webhook needs (configuration, certificates, keys, manifests), on
/// POSIX calls: no Foundation on the server path.
public enum FileSystem {
    /// Reads a whole file, refusing more than `maxBytes`: a wrong path (a device, a huge log)
    /// fails clearly instead of filling memory.
    public static func read(_ path: String, maxBytes: Int) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path: path, reason: systemError()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in
                SystemError.retryingOnInterrupt { Glibc.read(fd, raw.baseAddress, raw.count) }
            }
            if count < 0 { throw FileReadError(path: path, reason: systemError()) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxBytes { throw FileReadError(path: path, reason: "larger than \(maxBytes) bytes") }
        }
    }

    public enum Kind: Sendable, Equatable { case file, directory, other }

    /// What is at `path` (symbolic links followed), or nil when nothing is.
    public static func kind(of path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The names in a folder (without `.` and `..`), sorted.
    public static func entries(of path: String) throws(FileReadError) -> [String] {
        guard let directory = opendir(path) else { throw FileReadError(path: path, reason: systemError()) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func systemError() -> String { SystemError.describe(errno) }
}

/// What changes when a file is rewritten, replaced or swapped behind a symbolic link: comparing
/// fingerprints tells whether a file needs reading again without reading it.
public struct FileFingerprint: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modified: Int64  // nanoseconds
    let changed: Int64  // nanoseconds (inode change: renames, permission changes)
}

extension FileSystem {
    /// The fingerprint of what `path` points to (symbolic links followed), or nil when nothing is there.
    public static func fingerprint(of path: String) -> FileFingerprint? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileFingerprint(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }
}
