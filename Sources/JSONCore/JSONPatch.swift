/// RFC 6902 JSON Patch: the operations admission webhooks use (add, remove, replace, test).
public struct JSONPatchOperation: Sendable, Equatable {
    public enum Kind: String, Sendable { case add, remove, replace, test }

    public var kind: Kind
    public var path: String
    public var value: JSONValue?

    public init(_ kind: Kind, path: String, value: JSONValue? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
    }

    public static func add(_ path: String, _ value: JSONValue) -> JSONPatchOperation {
        JSONPatchOperation(.add, path: path, value: value)
    }

    /// `{"op":..,"path":..,"value":..}` in that key order, as the API server and upstream write it.
    public var jsonValue: JSONValue {
        var object = JSONObject([(key: "op", value: .string(kind.rawValue)), (key: "path", value: .string(path))])
        if let value { object["value"] = value }
        return .object(object)
    }
}

public struct JSONPatchError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "patch path \(path): \(reason)" }
}

public enum JSONPatch {
    /// Parses a JSON Patch document.
    public static func parse(_ document: JSONValue) throws(JSONPatchError) -> [JSONPatchOperation] {
        guard let items = document.array else { throw JSONPatchError(path: "", reason: "a JSON Patch must be an array") }
        var operations: [JSONPatchOperation] = []
        for (index, item) in items.enumerated() {
            guard let op = item["op"]?.string, let kind = JSONPatchOperation.Kind(rawValue: op) else {
                throw JSONPatchError(path: "", reason: "operation \(index) has no supported \"op\"")
            }
            guard let path = item["path"]?.string else {
                throw JSONPatchError(path: "", reason: "operation \(index) has no \"path\"")
            }
            if kind != .remove && item["value"] == nil {
                throw JSONPatchError(path: path, reason: "operation \(index) (\(op)) has no \"value\"")
            }
            operations.append(JSONPatchOperation(kind, path: path, value: item["value"]))
        }
        return operations
    }

    /// Applies `operations` in order; any failure leaves the caller's document untouched.
    public static func apply(_ operations: [JSONPatchOperation], to document: JSONValue) throws(JSONPatchError) -> JSONValue {
        var result = document
        for operation in operations {
            guard let tokens = JSONPointer.tokens(operation.path) else {
                throw JSONPatchError(path: operation.path, reason: "not a valid JSON Pointer")
            }
            try apply(operation, tokens: tokens[...], to: &result)
        }
        return result
    }

    private static func apply(_ operation: JSONPatchOperation, tokens: ArraySlice<String>,
                              to target: inout JSONValue) throws(JSONPatchError) {
        let fail = { (reason: String) in JSONPatchError(path: operation.path, reason: reason) }
        guard let token = tokens.first else {
            switch operation.kind {
            case .add, .replace: target = operation.value!
            case .test: if target != operation.value! { throw fail("test failed") }
            case .remove: throw fail("cannot remove the whole document")
            }
            return
        }
        let rest = tokens.dropFirst()
        switch target {
        case .object(var object):
            if rest.isEmpty {
                switch operation.kind {
                case .add: object[token] = operation.value!
                case .replace:
                    guard object[token] != nil else { throw fail("member \"\(token)\" does not exist") }
                    object[token] = operation.value!
                case .remove:
                    guard object[token] != nil else { throw fail("member \"\(token)\" does not exist") }
                    object[token] = nil
                case .test:
                    guard object[token] == operation.value! else { throw fail("test failed") }
                }
            } else {
                guard var child = object[token] else { throw fail("member \"\(token)\" does not exist") }
                try apply(operation, tokens: rest, to: &child)
                object[token] = child
            }
            target = .object(object)
        case .array(var array):
            if rest.isEmpty && operation.kind == .add {
                if token == "-" {
                    array.append(operation.value!)
                } else {
                    guard let index = arrayIndex(token), index <= array.count else { throw fail("index \(token) out of range") }
                    array.insert(operation.value!, at: index)
                }
            } else {
                guard let index = arrayIndex(token), index < array.count else { throw fail("index \(token) out of range") }
                if rest.isEmpty {
                    switch operation.kind {
                    case .add: break  // handled above
                    case .replace: array[index] = operation.value!
                    case .remove: array.remove(at: index)
                    case .test: guard array[index] == operation.value! else { throw fail("test failed") }
                    }
                } else {
                    try apply(operation, tokens: rest, to: &array[index])
                }
            }
            target = .array(array)
        default:
            throw fail("cannot descend into a \(target.typeName) at \"\(token)\"")
        }
    }

    /// RFC 6901 array index: "0" or digits without a leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber) else { return nil }
        if token.count > 1 && token.hasPrefix("0") { return nil }
        return Int(token)
    }
}
