import Foundation

/// Reads a manifest file, or every `*.yaml`, `*.yml` and `*.json` file of a folder (not recursive,
/// hidden entries such as a mounted ConfigMap's `..data` skipped), in name order.
public enum ManifestFiles {
    /// A single file larger than this is refused: manifests are small, a huge file is a mistake.
    public static let maxFileBytes = 16 << 20

    public static func read(path: String) throws(ManifestError) -> [(path: String, bytes: [UInt8])] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError(source: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [(path, try readFile(path))] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw ManifestError(source: path, reason: "cannot list the folder: \(error.localizedDescription)")
        }
        var files: [(path: String, bytes: [UInt8])] = []
        for name in names.sorted() where !name.hasPrefix(".")
            && (name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")) {
            let file = (path as NSString).appendingPathComponent(name)
            var entryIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue {
                files.append((file, try readFile(file)))
            }
        }
        return files
    }

    public static func readFile(_ path: String) throws(ManifestError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ManifestError(source: path, reason: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: maxFileBytes + 1)
        } catch {
            throw ManifestError(source: path, reason: "cannot read the file: \(error.localizedDescription)")
        }
        let bytes = [UInt8](data ?? Data())
        guard bytes.count <= maxFileBytes else { throw ManifestError(source: path, reason: "larger than \(maxFileBytes) bytes") }
        return bytes
    }

    /// Parses the text of one file into documents; the bytes must be UTF-8.
    public static func documents(_ bytes: [UInt8], source: String) throws(ManifestError) -> [ManifestDocument] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError(source: source, reason: "not UTF-8 text")
        }
        return try ManifestParser.parse(text, source: source)
    }
}
