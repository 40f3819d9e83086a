import FileSystem

/// Reads a manifest file, or every `*.yaml`, `*.yml` and `*.json` file of a folder (not recursive,
/// hidden entries such as a mounted ConfigMap's `..data` skipped), in name order.
public enum ManifestFiles {
    /// A single file larger than this is refused: manifests are small, a huge file is a mistake.
    public static let maxFileBytes = 16 << 20

    public static func read(path: String) throws(ManifestError) -> [(path: String, bytes: [UInt8])] {
        switch FileSystem.kind(of: path) {
        case nil: throw ManifestError(source: path, reason: "no such file or directory")
        case .file?, .other?: return [(path, try readFile(path))]
        case .directory?: break
        }
        let names: [String]
        do {
            names = try FileSystem.entries(of: path)
        } catch {
            throw ManifestError(source: path, reason: "cannot list the folder: \(error.reason)")
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for name in manifestNames(names) {
            let file = join(path, name)
            if FileSystem.kind(of: file) == .file { files.append((file, try readFile(file))) }
        }
        return files
    }

    /// A file's path and fingerprint; a folder is its listing plus each manifest's fingerprint.
    public struct Fingerprint: Sendable, Equatable {
        let path: String
        let fingerprint: FileFingerprint?
    }

    /// Fingerprints of everything `read(path:)` would read, without reading it; nil when `path` is missing.
    public static func fingerprints(path: String) -> [Fingerprint]? {
        guard let kind = FileSystem.kind(of: path) else { return nil }
        guard kind == .directory else { return [Fingerprint(path: path, fingerprint: FileSystem.fingerprint(of: path))] }
        guard let names = try? FileSystem.entries(of: path) else { return nil }
        return manifestNames(names).map { name in
            let file = join(path, name)
            return Fingerprint(path: file, fingerprint: FileSystem.fingerprint(of: file))
        }
    }

    private static func manifestNames(_ names: [String]) -> [String] {
        names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json")) }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    public static func readFile(_ path: String) throws(ManifestError) -> [UInt8] {
        do {
            return try FileSystem.read(path, maxBytes: maxFileBytes)
        } catch {
            throw ManifestError(source: path, reason: "cannot read the file: \(error.reason)")
        }
    }

    /// Parses the text of one file into documents; the bytes must be UTF-8.
    public static func documents(_ bytes: [UInt8], source: String) throws(ManifestError) -> [ManifestDocument] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError(source: source, reason: "not UTF-8 text")
        }
        return try ManifestParser.parse(text, source: source)
    }
}
