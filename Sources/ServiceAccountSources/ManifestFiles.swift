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
        for name in names where !name.hasPrefix(".")
            && (name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")) {
            let file = path.hasSuffix("/") ? path + name : path + "/" + name
            if FileSystem.kind(of: file) == .file { files.append((file, try readFile(file))) }
        }
        return files
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
