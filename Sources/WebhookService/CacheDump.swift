import JSONCore
import PodIdentity

/// `/debug/alpha/cache`: what the webhook knows, as upstream's debug handler shows it
/// (`"namespace/name" -> annotations`), plus the number of ConfigMap mappings and the container-credentials identities.
enum CacheDump {
    static func json(store: ServiceAccountStore, identities: IdentitySources) -> JSONValue {
        let records = store.snapshot().sorted { $0.key.description < $1.key.description }
        let serviceAccounts = JSONObject(records.map { key, record in
            (key: key.description,
             value: .object(JSONObject(record.annotations.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) })))
        })
        let snapshot = identities.snapshot
        return [
            "serviceAccounts": .object(serviceAccounts),
            "roleMappingCount": .number(JSONNumber(snapshot.roleMappings.count)),
            "containerCredentials": .array(snapshot.containerCredentials.identities
                .map(\.description).sorted().map(JSONValue.string)),
        ]
    }
}
