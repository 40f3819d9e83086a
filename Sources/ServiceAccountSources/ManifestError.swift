/// A manifest that cannot be used, naming the file, the document and the problem.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or `-` for standard input).
    public let source: String
    /// "document 2 (ServiceAccount default/demo)", or nil for problems with the file itself.
    public let document: String?
    public let reason: String

    public init(source: String, document: String? = nil, reason: String) {
        self.source = source
        self.document = document
        self.reason = reason
    }

    public var description: String {
        if let document { return "\(source): \(document): \(reason)" }
        return "\(source): \(reason)"
    }
}
