import JSONCore

/// What a list/watch loop feeds: the complete set after every LIST, then single changes.
public protocol ListWatchHandler: Sendable {
    func replaceAll(with items: [JSONValue])
    func apply(_ kind: WatchEvent.Kind, object: JSONValue)
}
