extension KubernetesClientConfiguration {
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted token and CA.
    /// The token is re-read periodically (bound tokens rotate).
    public static func inCluster(
        environment: [String: String],
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubernetesConfigurationError) -> KubernetesClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let portText = environment["KUBERNETES_SERVICE_PORT"], !portText.isEmpty
        else {
            throw .inClusterUnavailable(reason: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw .inClusterUnavailable(reason: "KUBERNETES_SERVICE_PORT \"\(portText)\" is not a port number")
        }
        let tokenPath = serviceAccountDirectory + "/token"
        let caPath = serviceAccountDirectory + "/ca.crt"
        let token: BearerTokenSource
        let caPEM: [UInt8]
        do {
            token = try BearerTokenSource(file: tokenPath)
            caPEM = try FileContents.read(caPath)
        } catch {
            throw .inClusterUnavailable(reason: error.description)
        }
        return KubernetesClientConfiguration(
            server: APIServerEndpoint(useTLS: true, host: host, port: port),
            certificateAuthorityPEM: caPEM,
            bearerToken: token,
            origin: "in-cluster configuration (\(serviceAccountDirectory))")
    }
}
