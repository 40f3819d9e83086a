import Locking

/// What, besides the ServiceAccounts, decides a pod's identity: the ConfigMap table and the
/// container-credentials identities. Immutable; swapped as a whole.
public struct IdentitySnapshot: Sendable, Equatable {
    public var roleMappings: RoleMappingTable
    public var containerCredentials: ContainerCredentialsIdentities

    public init(roleMappings: RoleMappingTable = RoleMappingTable(),
                containerCredentials: ContainerCredentialsIdentities = ContainerCredentialsIdentities()) {
        self.roleMappings = roleMappings
        self.containerCredentials = containerCredentials
    }
}

/// Holds the current `IdentitySnapshot`; sources replace their part, each request reads one consistent copy.
public final class IdentitySources: Sendable {
    private let current: Locked<IdentitySnapshot>

    public init(_ initial: IdentitySnapshot = IdentitySnapshot()) { current = Locked(initial) }

    public var snapshot: IdentitySnapshot { current.withLock { $0 } }

    public func replaceRoleMappings(_ table: RoleMappingTable) {
        current.withLock { $0.roleMappings = table }
    }

    public func replaceContainerCredentials(_ identities: ContainerCredentialsIdentities) {
        current.withLock { $0.containerCredentials = identities }
    }
}
