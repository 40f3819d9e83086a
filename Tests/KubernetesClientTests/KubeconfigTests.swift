import JSONCore
import Testing
@testable import KubernetesClient

@Suite struct KubeconfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"

    let directory = TemporaryDirectory()

    func kubeconfig(cluster: String, user: String, context: String = "    cluster: c1\n    user: u1\n",
                    current: String = "current-context: ctx") -> String {
        """
        apiVersion: v1
        kind: Config
        \(current)
        clusters:
        - name: other
          cluster:
            server: https://other.example:6443
        - name: c1
          cluster:
        \(cluster)
        contexts:
        - name: ctx
          context:
        \(context)
        users:
        - name: u1
          user:
        \(user)
        """
    }

    func load(_ text: String, overrideServer: String? = nil) throws(KubernetesConfigurationError) -> KubernetesClientConfiguration {
        try KubernetesClientConfiguration.kubeconfig(path: directory.write("config", text), overrideServer: overrideServer)
    }

    func expectError(_ text: String, field: String, containing: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try load(text)
            Issue.record("expected an error about \(field)", sourceLocation: sourceLocation)
        } catch {
            guard case .invalidKubeconfig(let path, let reportedField, let reason) = error else {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(path == directory.path + "/config", sourceLocation: sourceLocation)
            #expect(reportedField == field, sourceLocation: sourceLocation)
            #expect(reason.contains(containing), "\(reason)", sourceLocation: sourceLocation)
        }
    }

    @Test func inlineCertificateAuthorityAndTokenOfTheCurrentContext() throws {
        let caData = Base64.encode(Array(Self.caPEM.utf8))
        let config = try load(kubeconfig(
            cluster: "    server: https://api.example.com:6443\n    certificate-authority-data: \(caData)",
            user: "    token: abc.def"))
        #expect(config.server == APIServerEndpoint(useTLS: true, host: "api.example.com", port: 6443))
        #expect(config.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(config.bearerToken?.current() == "abc.def")
        #expect(config.bearerToken?.origin == .literal)
        #expect(config.clientCertificatePEM == nil)
        #expect(config.insecureSkipTLSVerify == false)
        #expect(config.origin.contains("context ctx"))
    }

    @Test func filesAreRelativeToTheKubeconfigFolder() throws {
        directory.write("ca.crt", Self.caPEM)
        directory.write("token", "  file-token\n")
        directory.write("client.crt", Self.caPEM)
        directory.write("client.key", Self.keyPEM)
        let config = try load(kubeconfig(
            cluster: "    server: https://10.0.0.1\n    certificate-authority: ca.crt",
            user: "    tokenFile: token\n    client-certificate: client.crt\n    client-key: \(directory.path)/client.key"))
        #expect(config.server.port == 443)
        #expect(config.certificateAuthorityPEM == Array(Self.caPEM.utf8))
        #expect(config.bearerToken?.current() == "file-token")
        #expect(config.bearerToken?.origin == .file(directory.path + "/token"))
        #expect(config.clientCertificatePEM == Array(Self.caPEM.utf8))
        #expect(config.clientKeyPEM == Array(Self.keyPEM.utf8))
    }

    @Test func inlineClientCertificateAndKey() throws {
        let config = try load(kubeconfig(
            cluster: "    server: https://api",
            user: "    client-certificate-data: \(Base64.encode(Array(Self.caPEM.utf8)))\n"
                + "    client-key-data: \(Base64.encode(Array(Self.keyPEM.utf8)))"))
        #expect(config.clientCertificatePEM == Array(Self.caPEM.utf8))
        #expect(config.clientKeyPEM == Array(Self.keyPEM.utf8))
        #expect(config.bearerToken == nil)
    }

    @Test func insecureSkipTLSVerifyIsHonoured() throws {
        let config = try load(kubeconfig(cluster: "    server: https://api\n    insecure-skip-tls-verify: true", user: "    token: t"))
        #expect(config.insecureSkipTLSVerify)
    }

    @Test func overrideServerReplacesTheClusterServer() throws {
        let config = try load(kubeconfig(cluster: "    server: https://api", user: "    token: t"),
                              overrideServer: "https://[::1]:8443/prefix/")
        #expect(config.server == APIServerEndpoint(useTLS: true, host: "::1", port: 8443, basePath: "/prefix"))
    }

    @Test func errorsNameTheField() {
        expectError(kubeconfig(cluster: "    server: https://api", user: "    token: t", current: "current-context: \"\""),
                    field: "current-context", containing: "not set")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    token: t", current: "current-context: nope"),
                    field: "contexts", containing: "no entry named \"nope\"")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    token: t", context: "    user: u1\n"),
                    field: "contexts[name=ctx].context.cluster", containing: "missing")
        expectError(kubeconfig(cluster: "    insecure-skip-tls-verify: true", user: "    token: t"),
                    field: "clusters[name=c1].cluster.server", containing: "missing")
        expectError(kubeconfig(cluster: "    server: ftp://api", user: "    token: t"),
                    field: "clusters[name=c1].cluster.server", containing: "scheme")
        expectError(kubeconfig(cluster: "    server: https://api:99999", user: "    token: t"),
                    field: "clusters[name=c1].cluster.server", containing: "port")
        expectError(kubeconfig(cluster: "    server: https://api\n    certificate-authority-data: '!!notbase64'", user: "    token: t"),
                    field: "clusters[name=c1].cluster.certificate-authority-data", containing: "base64")
        expectError(kubeconfig(cluster: "    server: https://api\n    certificate-authority-data: \(Base64.encode(Array("hello".utf8)))", user: "    token: t"),
                    field: "clusters[name=c1].cluster.certificate-authority-data", containing: "PEM")
        expectError(kubeconfig(cluster: "    server: https://api\n    certificate-authority: missing.crt", user: "    token: t"),
                    field: "clusters[name=c1].cluster.certificate-authority", containing: "missing.crt")
        expectError(kubeconfig(cluster: "    server: https://api\n    certificate-authority: a\n    certificate-authority-data: b", user: "    token: t"),
                    field: "clusters[name=c1].cluster.certificate-authority-data", containing: "cannot be combined")
        expectError(kubeconfig(cluster: "    server: https://api\n    insecure-skip-tls-verify: maybe", user: "    token: t"),
                    field: "clusters[name=c1].cluster.insecure-skip-tls-verify", containing: "true or false")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    tokenFile: /nonexistent/token"),
                    field: "users[name=u1].user.tokenFile", containing: "/nonexistent/token")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    client-certificate-data: \(Base64.encode(Array(Self.caPEM.utf8)))"),
                    field: "users[name=u1].user.client-key", containing: "missing")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    exec:\n      command: aws"),
                    field: "users[name=u1].user.exec", containing: "not supported")
        expectError(kubeconfig(cluster: "    server: https://api", user: "    token: [a, b]"),
                    field: "users[name=u1].user.token", containing: "string")
        expectError("clusters: [unclosed", field: "(document)", containing: "YAML")
        expectError("- a list", field: "(document)", containing: "mapping")
        expectError("current-context: ctx\nclusters: {}\n", field: "contexts", containing: "missing")
    }

    @Test func anUnreadableKubeconfigNamesThePath() {
        #expect(throws: KubernetesConfigurationError.unreadableFile(path: "/nonexistent/kubeconfig", reason: "No such file or directory")) {
            try KubernetesClientConfiguration.kubeconfig(path: "/nonexistent/kubeconfig")
        }
    }
}
