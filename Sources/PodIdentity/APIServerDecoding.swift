import JSONCore

/// What the API server's typed decoding does to a Pod before any webhook sees it, for the parts the
/// mutation reads: volume mounts keep only the fields Kubernetes knows, and `mountPath` is always
/// present. Only for bare Pod manifests given to `webhook mutate`; never on the server path, where the
/// API server has already done it.
public enum APIServerDecoding {
    static let volumeMountFields: Set<String> = [
        "name", "readOnly", "recursiveReadOnly", "mountPath", "subPath", "mountPropagation", "subPathExpr",
    ]

    public static func normalizeVolumeMounts(_ pod: JSONValue) -> JSONValue {
        guard case .object(var root) = pod, case .object(var spec)? = root["spec"] else { return pod }
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            guard case .array(var containers)? = spec[list] else { continue }
            for index in containers.indices {
                guard case .object(var container) = containers[index],
                      case .array(let mounts)? = container["volumeMounts"] else { continue }
                container["volumeMounts"] = .array(mounts.map(normalizeMount))
                containers[index] = .object(container)
            }
            spec[list] = .array(containers)
        }
        root["spec"] = .object(spec)
        return .object(root)
    }

    private static func normalizeMount(_ mount: JSONValue) -> JSONValue {
        guard var object = mount.object else { return mount }
        object.members.removeAll { !volumeMountFields.contains($0.key) }
        if object["mountPath"] == nil { object["mountPath"] = "" }
        return .object(object)
    }
}
