import JSONCore

/// One document of a manifest file, numbered from 1 in file order.
public struct ManifestDocument: Sendable {
    public let index: Int
    /// The line of the file where the document starts.
    public let line: Int
    public let value: JSONValue

    public init(index: Int, line: Int, value: JSONValue) {
        self.index = index
        self.line = line
        self.value = value
    }

    public var kind: String { value["kind"]?.string ?? "" }
    public var name: String { value["metadata"]?["name"]?.string ?? "" }
    public var namespace: String { value["metadata"]?["namespace"]?.string ?? "" }

    /// "document 2 (ServiceAccount default/demo)", for error messages.
    public var label: String {
        var what = kind.isEmpty ? "no kind" : kind
        if !name.isEmpty { what += " " + (namespace.isEmpty ? name : "\(namespace)/\(name)") }
        return "document \(index) (\(what), line \(line))"
    }
}
