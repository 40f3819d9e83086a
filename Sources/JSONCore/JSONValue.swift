/// A parsed JSON document. Objects keep their members in document order, numbers keep their
/// literal text, so what is re-serialized is what was read (no float round trip, no reordering).
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON number as written in the document (validated against RFC 8259's grammar).
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    /// `text` must already be a valid JSON number; use `init?(validating:)` for untrusted text.
    public init(unchecked text: String) { self.text = text }

    public init(_ value: Int64) { self.text = String(value) }
    public init(_ value: Int) { self.text = String(value) }

    /// The value as an integer, when the literal is one (no fraction or exponent) and fits.
    public var int64: Int64? { Int64(text) }
    public var double: Double? { Double(text) }
    public var description: String { text }
}

/// The members of a JSON object in document order. Lookups are linear: Kubernetes objects have
/// few keys per level, and a scan of a handful of short strings beats hashing them.
/// Duplicate keys: the last one wins, as in Go's encoding/json (what the API server does).
public struct JSONObject: Sendable, Sequence {
    public var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) { self.members = members }

    public subscript(key: String) -> JSONValue? {
        get {
            var index = members.endIndex
            while index > members.startIndex {
                index -= 1
                if members[index].key == key { return members[index].value }
            }
            return nil
        }
        set {
            if let position = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[position].value = newValue } else { members.remove(at: position) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { members.makeIterator() }
}

// MARK: - Accessors

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var number: JSONNumber? { if case .number(let n) = self { return n }; return nil }
    public var int64: Int64? { number?.int64 }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var object: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// A short name of the value's JSON type, for error messages ("expected object, got string").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

// MARK: - Equality (semantic: object member order does not matter, numbers compare by value)

extension JSONValue: Equatable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)):
            if a.text == b.text { return true }
            if let x = a.int64, let y = b.int64 { return x == y }
            return a.double == b.double
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        let left = lhs.deduplicated(), right = rhs.deduplicated()
        guard left.count == right.count else { return false }
        for (key, value) in left.members {
            guard let other = right[key], other == value else { return false }
        }
        return true
    }

    /// Members with duplicate keys collapsed to the last occurrence, in first-occurrence order.
    func deduplicated() -> JSONObject {
        var seen = Set<String>()
        var result = JSONObject()
        for (key, _) in members where seen.insert(key).inserted {
            result.members.append((key, self[key]!))
        }
        return result
    }
}

// MARK: - Literals, for building values in code and tests

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(elements.count)
        for (key, value) in elements { members.append((key, value)) }
        self = .object(JSONObject(members))
    }
    public init(nilLiteral: ()) { self = .null }
}
