import JSONCore

/// The EKS Pod Identity (container credentials) file: `{"identities":[{"namespace":..,"serviceAccount":..}]}`.
/// A pod whose ServiceAccount is listed gets container credentials instead of web identity.
public struct ContainerCredentialsIdentities: Sendable, Equatable {
    public private(set) var identities: Set<ServiceAccountKey>

    public init(_ identities: Set<ServiceAccountKey> = []) { self.identities = identities }

    public func contains(_ key: ServiceAccountKey) -> Bool { identities.contains(key) }
    public var count: Int { identities.count }
}

public struct ContainerCredentialsConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { "container credentials config: \(reason)" }
}

extension ContainerCredentialsIdentities {
    /// Parses the file's bytes. Empty content (only whitespace) means no identities, as upstream.
    public static func parse(_ bytes: [UInt8]) throws(ContainerCredentialsConfigError) -> ContainerCredentialsIdentities {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return ContainerCredentialsIdentities() }
        let document: JSONValue
        do {
            document = try JSON.parse(bytes)
        } catch {
            throw ContainerCredentialsConfigError(reason: "not valid JSON: \(error)")
        }
        guard document.object != nil else { throw ContainerCredentialsConfigError(reason: "expected a JSON object, got \(document.typeName)") }
        guard let list = document["identities"], !list.isNull else { return ContainerCredentialsIdentities() }
        guard let items = list.array else { throw ContainerCredentialsConfigError(reason: "identities must be an array, got \(list.typeName)") }
        var identities = Set<ServiceAccountKey>()
        for (index, item) in items.enumerated() {
            guard let namespace = item["namespace"]?.string, let name = item["serviceAccount"]?.string else {
                throw ContainerCredentialsConfigError(reason: "identities[\(index)] needs string fields namespace and serviceAccount")
            }
            identities.insert(ServiceAccountKey(namespace: namespace, name: name))
        }
        return ContainerCredentialsIdentities(identities)
    }
}
