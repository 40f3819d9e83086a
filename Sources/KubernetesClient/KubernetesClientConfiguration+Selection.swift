import FileSystem

extension KubernetesClientConfiguration {
    /// How a command found its cluster, for the log line or message that says so.
    public enum Selection: Sendable {
        case explicitKubeconfig(KubernetesClientConfiguration)
        case inCluster(KubernetesClientConfiguration)
        /// Outside a cluster, kubectl's default kubeconfig (the path it came from).
        case defaultKubeconfig(KubernetesClientConfiguration, path: String)

        public var configuration: KubernetesClientConfiguration {
            switch self {
            case .explicitKubeconfig(let configuration), .inCluster(let configuration), .defaultKubeconfig(let configuration, _):
                configuration
            }
        }
    }

    /// Not in a cluster, and no kubeconfig given or found.
    public struct NoClusterConfiguration: Error, Sendable, CustomStringConvertible {
        public let inClusterError: String
        public var description: String { "\(inClusterError); and no kubeconfig in $KUBECONFIG or ~/.kube/config" }
    }

    /// kubectl's choice: `kubeconfig` when given; else the pod's in-cluster configuration; else the first
    /// existing file of $KUBECONFIG, else ~/.kube/config. `apiServer` replaces the server URL in each case.
    public static func select(kubeconfig: String?, apiServer: String?, environment: [String: String]) throws -> Selection {
        if let kubeconfig {
            return .explicitKubeconfig(try Self.kubeconfig(path: kubeconfig, overrideServer: apiServer))
        }
        do {
            var configuration = try inCluster(environment: environment)
            if let apiServer { configuration.server = try APIServerEndpoint(parsing: apiServer) }
            return .inCluster(configuration)
        } catch {
            var candidates = (environment["KUBECONFIG"] ?? "").split(separator: ":").map(String.init)
            if let home = environment["HOME"], !home.isEmpty { candidates.append(home + "/.kube/config") }
            guard let path = candidates.first(where: { !$0.isEmpty && FileSystem.kind(of: $0) == .file }) else {
                throw NoClusterConfiguration(inClusterError: "\(error)")
            }
            return .defaultKubeconfig(try Self.kubeconfig(path: path, overrideServer: apiServer), path: path)
        }
    }
}
