import JSONCore

/// A deliberately separate RFC 6902 `add` applier (not JSONCore's), so the tests do not check the
/// engine's patches with the engine's own patch code. Admission patches from this webhook only add.
enum IndependentJSONPatch {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func apply(_ patch: [JSONPatchOperation], to document: JSONValue) throws -> JSONValue {
        var result = document
        for operation in patch {
            guard operation.kind == .add, let value = operation.value else {
                throw Failure(description: "unexpected operation \(operation.kind) at \(operation.path)")
            }
            guard operation.path.hasPrefix("/") else { throw Failure(description: "bad path \(operation.path)") }
            let tokens = operation.path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
            try add(value, at: tokens[...], in: &result, path: operation.path)
        }
        return result
    }

    private static func add(_ value: JSONValue, at tokens: ArraySlice<String>, in node: inout JSONValue, path: String) throws {
        let token = tokens.first!
        let last = tokens.count == 1
        switch node {
        case .object(var object):
            if last {
                object[token] = value
            } else {
                guard var child = object[token] else { throw Failure(description: "\(path): no member \(token)") }
                try add(value, at: tokens.dropFirst(), in: &child, path: path)
                object[token] = child
            }
            node = .object(object)
        case .array(var array):
            if last && token == "-" {
                array.append(value)
            } else {
                guard let index = Int(token), index >= 0, index <= array.count, last || index < array.count else {
                    throw Failure(description: "\(path): bad index \(token)")
                }
                if last { array.insert(value, at: index) } else { try add(value, at: tokens.dropFirst(), in: &array[index], path: path) }
            }
            node = .array(array)
        default:
            throw Failure(description: "\(path): cannot descend into \(node.typeName)")
        }
    }
}

private extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
