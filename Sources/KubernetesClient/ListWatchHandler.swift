import JSONCore

/// What a list/watch loop feeds: the complete set after every LIST, then single changes.
public protocol ListWatchHandler: Sendable {
    /// What the handler keeps of one listed item. A LIST converts each page's items as the page arrives, so only
    /// one parsed page is alive at a time (100k ServiceAccounts: 200 pages, not 100k parsed trees at once).
    associatedtype Entry = JSONValue
    /// nil skips the item (the handler logs why).
    func entry(of item: JSONValue) -> Entry?
    func replaceAll(with entries: [Entry])
    func apply(_ kind: WatchEvent.Kind, object: JSONValue)
}

extension ListWatchHandler where Entry == JSONValue {
    /// Handlers that keep whole objects keep each item as parsed.
    public func entry(of item: JSONValue) -> JSONValue? { item }
}
