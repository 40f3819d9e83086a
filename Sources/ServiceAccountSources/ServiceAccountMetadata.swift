import JSONCore
import PodIdentity

/// The part of a ServiceAccount object the webhook keeps: its key and the prefix's annotations.
enum ServiceAccountMetadata {
    static func entry(of object: JSONValue, prefix: String) -> (key: ServiceAccountKey, record: ServiceAccountRecord)? {
        guard let key = key(of: object) else { return nil }
        var annotations: [String: String] = [:]
        if let members = object["metadata"]?["annotations"]?.object {
            for (name, value) in members {
                if let text = value.string { annotations[name] = text }
            }
        }
        return (key.detached, ServiceAccountRecord(allAnnotations: annotations, prefix: prefix))
    }

    static func key(of object: JSONValue) -> ServiceAccountKey? {
        guard let metadata = object["metadata"],
              let namespace = metadata["namespace"]?.string, !namespace.isEmpty,
              let name = metadata["name"]?.string, !name.isEmpty
        else { return nil }
        return ServiceAccountKey(namespace: namespace, name: name)
    }
}
