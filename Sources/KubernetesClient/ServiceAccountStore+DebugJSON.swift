import JSONCore
import PodIdentity

extension ServiceAccountStore {
    /// The cache as JSON for `/debug/alpha/cache`: `{"namespace/name": {"annotations": {...}}}` sorted by key.
    /// Only the prefix's annotations are ever stored, so nothing secret is exposed.
    public func debugJSON() -> JSONValue {
        let entries = snapshot().sorted { $0.key.description < $1.key.description }
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(entries.count)
        for (key, record) in entries {
            let annotations = record.annotations.sorted { $0.key < $1.key }.map { (key: $0.key, value: JSONValue.string($0.value)) }
            members.append((key.description, .object(JSONObject([("annotations", .object(JSONObject(annotations)))]))))
        }
        return .object(JSONObject(members))
    }
}
