import JSONCore

/// A Pod's fields that the mutation reads, checked and extracted from its JSON. The JSON itself is
/// never re-serialized: patches address it by index.
public struct PodDocument: Sendable {
    public let name: String
    public let generateName: String
    /// `metadata.namespace` (the admission request's namespace takes precedence on the server path).
    public let namespace: String
    /// `spec.serviceAccountName`, `default` when absent or empty.
    public let serviceAccountName: String
    public let annotations: [String: String]
    /// nil when `metadata.labels` is absent or null.
    public let labels: [String: String]?
    let hasMetadata: Bool
    let isWindows: Bool
    /// nil when `spec.volumes` is absent or null.
    let volumeNames: [String]?
    let containers: [PodContainer]
    let initContainers: [PodContainer]

    /// `name`, or `generateName` followed by `*` for pods whose name the API server has yet to pick.
    public var displayName: String { name.isEmpty && !generateName.isEmpty ? generateName + "*" : name }
}

/// One entry of `spec.containers` or `spec.initContainers`.
struct PodContainer: Sendable {
    let index: Int
    let name: String
    /// nil when `env` is absent or null.
    let envNames: [String]?
    /// nil when `volumeMounts` is absent or null.
    let mountNames: [String]?
}

/// A Pod that cannot be read, naming the field (the admission response tells the user).
public struct PodDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? "pod: \(reason)" : "pod field \(field): \(reason)" }
}

extension PodDocument {
    /// Exactly the fields `init(_:)` reads, for `JSON.parse(_:selecting:)`: the rest of the Pod
    /// (probes, resources, status...) is validated but never built.
    public static let selection: JSONSelection = {
        let named: JSONSelection = .members(["name": .all])
        let container: JSONSelection = .members(["name": .all, "env": named, "volumeMounts": named])
        return .members([
            "metadata": .members(["name": .all, "generateName": .all, "namespace": .all, "annotations": .all, "labels": .all]),
            "spec": .members([
                "serviceAccountName": .all, "nodeSelector": .all, "os": .members(["name": .all]), "volumes": named,
                "containers": container, "initContainers": container,
            ]),
        ])
    }()

    public init(_ json: JSONValue) throws(PodDecodingError) {
        guard let root = json.object else { throw PodDecodingError(field: "", reason: "expected an object, got \(json.typeName)") }
        let metadata = try Self.optionalObject(root["metadata"], "metadata")
        let spec = try Self.optionalObject(root["spec"], "spec")
        guard let spec else { throw PodDecodingError(field: "spec", reason: "missing") }
        hasMetadata = metadata != nil
        name = try Self.optionalString(metadata?["name"], "metadata.name") ?? ""
        generateName = try Self.optionalString(metadata?["generateName"], "metadata.generateName") ?? ""
        namespace = try Self.optionalString(metadata?["namespace"], "metadata.namespace") ?? ""
        annotations = try Self.stringMap(metadata?["annotations"], "metadata.annotations") ?? [:]
        labels = try Self.stringMap(metadata?["labels"], "metadata.labels")
        let account = try Self.optionalString(spec["serviceAccountName"], "spec.serviceAccountName") ?? ""
        serviceAccountName = account.isEmpty ? "default" : account
        let nodeSelector = try Self.stringMap(spec["nodeSelector"], "spec.nodeSelector") ?? [:]
        let os = try Self.optionalObject(spec["os"], "spec.os")
        let osName = try Self.optionalString(os?["name"], "spec.os.name")
        isWindows = nodeSelector["kubernetes.io/os"] == "windows" || nodeSelector["beta.kubernetes.io/os"] == "windows"
            || osName == "windows"
        volumeNames = try Self.namedList(spec["volumes"], "spec.volumes")
        containers = try Self.containers(spec["containers"], "spec.containers")
        initContainers = try Self.containers(spec["initContainers"], "spec.initContainers")
    }

    private static func containers(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> [PodContainer] {
        guard let items = try optionalArray(value, field) else { return [] }
        var result: [PodContainer] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let path = "\(field)[\(index)]"
            guard let container = item.object else { throw PodDecodingError(field: path, reason: "expected an object, got \(item.typeName)") }
            result.append(PodContainer(
                index: index,
                name: try optionalString(container["name"], path + ".name") ?? "",
                envNames: try namedList(container["env"], path + ".env"),
                mountNames: try namedList(container["volumeMounts"], path + ".volumeMounts")))
        }
        return result
    }

    /// A list of objects with a `name` (env vars, volumes, volume mounts): their names.
    private static func namedList(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> [String]? {
        guard let items = try optionalArray(value, field) else { return nil }
        var names: [String] = []
        names.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let object = item.object else {
                throw PodDecodingError(field: "\(field)[\(index)]", reason: "expected an object, got \(item.typeName)")
            }
            names.append(try optionalString(object["name"], "\(field)[\(index)].name") ?? "")
        }
        return names
    }

    private static func optionalObject(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> JSONObject? {
        guard let value, !value.isNull else { return nil }
        guard let object = value.object else { throw PodDecodingError(field: field, reason: "expected an object, got \(value.typeName)") }
        return object
    }

    private static func optionalArray(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> [JSONValue]? {
        guard let value, !value.isNull else { return nil }
        guard let array = value.array else { throw PodDecodingError(field: field, reason: "expected an array, got \(value.typeName)") }
        return array
    }

    private static func optionalString(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let string = value.string else { throw PodDecodingError(field: field, reason: "expected a string, got \(value.typeName)") }
        return string
    }

    private static func stringMap(_ value: JSONValue?, _ field: String) throws(PodDecodingError) -> [String: String]? {
        guard let object = try optionalObject(value, field) else { return nil }
        var map: [String: String] = [:]
        for (key, member) in object {
            guard let string = member.string else {
                if member.isNull { continue }
                throw PodDecodingError(field: "\(field)[\"\(key)\"]", reason: "expected a string, got \(member.typeName)")
            }
            map[key] = string
        }
        return map
    }
}
