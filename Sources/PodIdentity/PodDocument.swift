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
    /// The annotations the mutation reads: keys ending in `/token-expiration`, `/skip-containers`,
    /// `/include-containers`, `/region` or `/aws-config` (under any prefix). The others are checked (strings) but
    /// not decoded: most pods carry many, none matter here.
    public let annotations: [String: String]
    /// False when `metadata.annotations` is absent or null.
    let hasAnnotations: Bool
    /// False when `metadata.labels` is absent or null.
    let hasLabels: Bool
    /// The value of the `eks.amazonaws.com/pod-identity` label, if set.
    let podIdentityLabel: String?
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
    /// Decodes a Pod given as a value (the CLI, tests). The server reads bytes with `init(reading:)`.
    public init(_ json: JSONValue) throws(PodDecodingError) {
        do {
            self = try JSON.read(JSON.serialize(json)) { reader in try PodDocument(reading: &reader) }
        } catch let error as PodDecodingError {
            throw error
        } catch {
            throw PodDecodingError(field: "", reason: "\(error)")  // serialized values are valid JSON: not reached
        }
    }

    /// Reads the Pod at the reader's position: the fields the mutation needs are checked and kept,
    /// everything else is skipped (still validated as JSON). A member it reads given twice in one object is
    /// refused (as Kubernetes' strict decoding does), never merged or picked. Throws `PodDecodingError` naming the
    /// field, or `JSONParseError` for invalid JSON.
    public init(reading reader: inout JSONReader) throws {
        guard try Self.enterObject(&reader, "") else { throw PodDecodingError(field: "", reason: "expected an object, got null") }
        var name = "", generateName = "", namespace = "", serviceAccount = ""
        var annotations: [String: String] = [:], hasAnnotations = false, hasLabels = false, podIdentityLabel: String?
        var hasMetadata = false, hasSpec = false
        var nodeSelectorOS: String?, nodeSelectorBetaOS: String?, osName: String?
        var volumeNames: [String]?, containers: [PodContainer] = [], initContainers: [PodContainer] = []
        var podMembers = JSONMemberSet()
        try reader.readObject { reader, key in
            if key == "metadata" {
                try Self.readOnce(&podMembers, 0, key, in: "")
                hasMetadata = try Self.enterObject(&reader, "metadata")
                guard hasMetadata else { return }
                var members = JSONMemberSet()
                try reader.readObject { reader, key in
                    if key == "name" {
                        try Self.readOnce(&members, 0, key, in: "metadata")
                        name = try Self.optionalString(&reader, "metadata.name") ?? ""
                    } else if key == "generateName" {
                        try Self.readOnce(&members, 1, key, in: "metadata")
                        generateName = try Self.optionalString(&reader, "metadata.generateName") ?? ""
                    } else if key == "namespace" {
                        try Self.readOnce(&members, 2, key, in: "metadata")
                        namespace = try Self.optionalString(&reader, "metadata.namespace") ?? ""
                    } else if key == "annotations" {
                        try Self.readOnce(&members, 3, key, in: "metadata")
                        hasAnnotations = try Self.stringMap(&reader, "metadata.annotations", wanted: Self.isReadAnnotation) { key, value in
                            annotations[key] = value
                        }
                    } else if key == "labels" {
                        try Self.readOnce(&members, 4, key, in: "metadata")
                        hasLabels = try Self.stringMap(&reader, "metadata.labels") { key in
                            key == "eks.amazonaws.com/pod-identity"
                        } take: { _, value in podIdentityLabel = value }
                    } else {
                        try reader.skipValue()
                    }
                }
            } else if key == "spec" {
                try Self.readOnce(&podMembers, 1, key, in: "")
                hasSpec = try Self.enterObject(&reader, "spec")
                guard hasSpec else { return }
                var members = JSONMemberSet()
                try reader.readObject { reader, key in
                    if key == "serviceAccountName" {
                        try Self.readOnce(&members, 0, key, in: "spec")
                        serviceAccount = try Self.optionalString(&reader, "spec.serviceAccountName") ?? ""
                    } else if key == "nodeSelector" {
                        try Self.readOnce(&members, 1, key, in: "spec")
                        try Self.stringMap(&reader, "spec.nodeSelector") { key in
                            key == "kubernetes.io/os" || key == "beta.kubernetes.io/os"
                        } take: { key, value in
                            if key == "kubernetes.io/os" { nodeSelectorOS = value } else { nodeSelectorBetaOS = value }
                        }
                    } else if key == "os" {
                        try Self.readOnce(&members, 2, key, in: "spec")
                        guard try Self.enterObject(&reader, "spec.os") else { return }
                        var osMembers = JSONMemberSet()
                        try reader.readObject { reader, key in
                            if key == "name" {
                                try Self.readOnce(&osMembers, 0, key, in: "spec.os")
                                osName = try Self.optionalString(&reader, "spec.os.name")
                            } else {
                                try reader.skipValue()
                            }
                        }
                    } else if key == "volumes" {
                        try Self.readOnce(&members, 3, key, in: "spec")
                        volumeNames = try Self.namedList(&reader, "spec.volumes")
                    } else if key == "containers" {
                        try Self.readOnce(&members, 4, key, in: "spec")
                        containers = try Self.containers(&reader, "spec.containers")
                    } else if key == "initContainers" {
                        try Self.readOnce(&members, 5, key, in: "spec")
                        initContainers = try Self.containers(&reader, "spec.initContainers")
                    } else {
                        try reader.skipValue()
                    }
                }
            } else {
                try reader.skipValue()
            }
        }
        guard hasSpec else { throw PodDecodingError(field: "spec", reason: "missing") }
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.serviceAccountName = serviceAccount.isEmpty ? "default" : serviceAccount
        self.annotations = annotations
        self.hasAnnotations = hasAnnotations
        self.hasLabels = hasLabels
        self.podIdentityLabel = podIdentityLabel
        self.hasMetadata = hasMetadata
        self.isWindows = nodeSelectorOS == "windows" || nodeSelectorBetaOS == "windows" || osName == "windows"
        self.volumeNames = volumeNames
        self.containers = containers
        self.initContainers = initContainers
    }

    /// An annotation the mutation reads, by the part after the prefix (whatever the prefix).
    private static func isReadAnnotation(_ key: JSONReader.Key) -> Bool {
        key.hasSuffix("/token-expiration") || key.hasSuffix("/skip-containers") || key.hasSuffix("/include-containers")
            || key.hasSuffix("/region") || key.hasSuffix("/aws-config")
    }

    private static func containers(_ reader: inout JSONReader, _ field: String) throws -> [PodContainer] {
        guard try enterArray(&reader, field) else { return [] }
        var result: [PodContainer] = []
        result.reserveCapacity(4)
        try reader.readArray { reader, index in
            guard try reader.kind() == .object else {
                throw PodDecodingError(field: "\(field)[\(index)]", reason: "expected an object, got \(try reader.kind().typeName)")
            }
            var name = "", envNames: [String]?, mountNames: [String]?
            var members = JSONMemberSet()
            try reader.readObject { reader, key in
                if key == "name" {
                    try readOnce(&members, 0, key, in: "\(field)[\(index)]")
                    name = try optionalString(&reader, "\(field)[\(index)].name") ?? ""
                } else if key == "env" {
                    try readOnce(&members, 1, key, in: "\(field)[\(index)]")
                    envNames = try namedList(&reader, "\(field)[\(index)].env")
                } else if key == "volumeMounts" {
                    try readOnce(&members, 2, key, in: "\(field)[\(index)]")
                    mountNames = try namedList(&reader, "\(field)[\(index)].volumeMounts")
                } else {
                    try reader.skipValue()
                }
            }
            result.append(PodContainer(index: index, name: name, envNames: envNames, mountNames: mountNames))
        }
        return result
    }

    /// A list of objects with a `name` (env vars, volumes, volume mounts): their names.
    private static func namedList(_ reader: inout JSONReader, _ field: @autoclosure () -> String) throws -> [String]? {
        guard try enterArray(&reader, field()) else { return nil }
        var names: [String] = []
        names.reserveCapacity(8)
        try reader.readArray { reader, index in
            guard try reader.kind() == .object else {
                throw PodDecodingError(field: "\(field())[\(index)]", reason: "expected an object, got \(try reader.kind().typeName)")
            }
            var name = ""
            var members = JSONMemberSet()
            try reader.readObject { reader, key in
                if key == "name" {
                    try readOnce(&members, 0, key, in: "\(field())[\(index)]")
                    name = try optionalString(&reader, "\(field())[\(index)].name") ?? ""
                } else {
                    try reader.skipValue()
                }
            }
            names.append(name)
        }
        return names
    }

    /// Records that the object at `field` gave `key`, its member number `number`; a second time is an error.
    @inline(__always)
    private static func readOnce(_ members: inout JSONMemberSet, _ number: Int, _ key: JSONReader.Key,
                                 in field: @autoclosure () -> String) throws {
        if !members.insert(number) { throw duplicate(key, in: field()) }
    }

    /// Out of line: the decoders' member loops stay small enough to inline what they call.
    @inline(never)
    private static func duplicate(_ key: JSONReader.Key, in field: String) -> PodDecodingError {
        PodDecodingError(field: field, reason: JSONMemberSet.duplicateReason(key))
    }

    /// True at an object (left for the caller to read); false at `null` (skipped); otherwise a type error.
    private static func enterObject(_ reader: inout JSONReader, _ field: @autoclosure () -> String) throws -> Bool {
        try enter(.object, "an object", &reader, field())
    }

    private static func enterArray(_ reader: inout JSONReader, _ field: @autoclosure () -> String) throws -> Bool {
        try enter(.array, "an array", &reader, field())
    }

    private static func enter(_ expected: JSONReader.Kind, _ description: String, _ reader: inout JSONReader,
                              _ field: @autoclosure () -> String) throws -> Bool {
        let kind = try reader.kind()
        if kind == expected { return true }
        guard kind == .null else {
            throw PodDecodingError(field: field(), reason: "expected \(description), got \(kind.typeName)")
        }
        try reader.skipValue()
        return false
    }

    private static func optionalString(_ reader: inout JSONReader, _ field: @autoclosure () -> String) throws -> String? {
        switch try reader.kind() {
        case .string: return try reader.readString()
        case .null:
            try reader.skipValue()
            return nil
        case let other:
            throw PodDecodingError(field: field(), reason: "expected a string, got \(other.typeName)")
        }
    }

    /// A map of strings (labels, annotations, nodeSelector), checked whole; `wanted` picks the members whose
    /// values are decoded and given to `take`, in document order. A wanted key given twice is refused (null
    /// or not). False when the map is null.
    @discardableResult
    private static func stringMap(_ reader: inout JSONReader, _ field: String, wanted: (JSONReader.Key) -> Bool,
                                  take: (String, String) -> Void) throws -> Bool {
        guard try enterObject(&reader, field) else { return false }
        // The wanted keys seen: few (most maps have one or none), so no set, and no list allocated for the first.
        var firstWantedKey: String?, laterWantedKeys: [String] = []
        try reader.readObject { reader, key in
            let kind = try reader.kind()
            guard kind == .string || kind == .null else {
                throw PodDecodingError(field: "\(field)[\"\(key.string)\"]", reason: "expected a string, got \(kind.typeName)")
            }
            guard wanted(key) else { return try reader.skipValue() }
            let name = key.string
            if firstWantedKey == nil {
                firstWantedKey = name
            } else {
                guard name != firstWantedKey, !laterWantedKeys.contains(name) else { throw duplicate(key, in: field) }
                laterWantedKeys.append(name)
            }
            if kind == .string { take(name, try reader.readString()) } else { try reader.skipValue() }
        }
        return true
    }
}
