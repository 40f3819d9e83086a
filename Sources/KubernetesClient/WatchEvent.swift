import JSONCore

/// One line of a watch stream: `{"type":"ADDED","object":{...}}`.
public struct WatchEvent: Sendable {
    public enum Kind: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public var kind: Kind
    public var object: JSONValue

    public init(kind: Kind, object: JSONValue) {
        self.kind = kind
        self.object = object
    }

    public init(line: [UInt8]) throws(KubernetesAPIError) {
        let document: JSONValue
        do {
            document = try JSON.parse(line)
        } catch {
            throw .malformedResponse("watch event is not JSON: \(error)")
        }
        guard let typeName = document["type"]?.string else {
            throw .malformedResponse("watch event has no \"type\"")
        }
        guard let kind = Kind(rawValue: typeName) else {
            throw .malformedResponse("watch event has an unknown type \"\(typeName.prefix(40))\"")
        }
        guard let object = document["object"], object.object != nil else {
            throw .malformedResponse("\(typeName) watch event has no \"object\"")
        }
        self.kind = kind
        self.object = object
    }

    /// `object.metadata.resourceVersion`: where the next watch resumes (every kind but ERROR carries one).
    public var resourceVersion: String? { object["metadata"]?["resourceVersion"]?.string }

    /// For an ERROR event, the `Status` code (410 when the resourceVersion is too old) and message.
    public var errorStatus: (code: Int, message: String) {
        let code = object["code"]?.int64.map { Int($0) } ?? 500
        let message = object["message"]?.string ?? object["reason"]?.string ?? "(no message)"
        return (code, message)
    }
}
