/// One element of an AWS XML answer. Names are local names (a namespace prefix is dropped; AWS
/// answers put everything in one default namespace). `text` is the element's own character data.
public struct XMLElement: Sendable, Equatable {
    public let name: String
    public let attributes: [String: String]
    public let children: [XMLElement]
    public let text: String

    public init(name: String, attributes: [String: String] = [:], children: [XMLElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }

    public func children(named name: String) -> [XMLElement] { children.filter { $0.name == name } }

    /// The element reached by following child names, e.g. `["GetRoleResult", "Role", "Arn"]`.
    public func descendant(_ path: [String]) -> XMLElement? {
        var current = self
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }

    /// Text of the descendant at `path`, or nil when it is missing.
    public func string(_ path: String...) -> String? { descendant(path)?.text }

    /// The first element with this name anywhere below (depth-first), e.g. `RequestId` wherever a service puts it.
    public func first(named name: String) -> XMLElement? {
        for child in children {
            if child.name == name { return child }
            if let found = child.first(named: name) { return found }
        }
        return nil
    }
}
