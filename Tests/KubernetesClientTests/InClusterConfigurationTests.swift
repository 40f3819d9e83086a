import JSONCore
import Testing
@testable import KubernetesClient

@Suite struct InClusterConfigurationTests {
    let directory = TemporaryDirectory()

    @Test func readsTheServiceAccountMount() throws {
        directory.write("token", "token-1\n")
        directory.write("ca.crt", KubeconfigTests.caPEM)
        let config = try KubernetesClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.path)
        #expect(config.server == APIServerEndpoint(useTLS: true, host: "fd00::1", port: 443))
        #expect(config.server.description == "https://[fd00::1]:443")
        #expect(config.bearerToken?.current() == "token-1")
        #expect(config.certificateAuthorityPEM == Array(KubeconfigTests.caPEM.utf8))
    }

    @Test func withoutTheEnvironmentItSaysToUseKubeconfig() {
        do {
            _ = try KubernetesClientConfiguration.inCluster(environment: [:], serviceAccountDirectory: directory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("KUBERNETES_SERVICE_HOST"))
            #expect(error.description.contains("--kubeconfig"))
        }
    }

    @Test func aMissingTokenNamesTheFile() {
        do {
            _ = try KubernetesClientConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
                serviceAccountDirectory: directory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains(directory.path + "/token"))
        }
    }

    @Test func aRotatedTokenIsPickedUpAfterTheRefreshInterval() throws {
        let file = directory.write("token", "first")
        let source = try BearerTokenSource(file: file, refreshInterval: .zero)
        #expect(source.current() == "first")
        directory.write("token", "second\n")
        #expect(source.current() == "second")
        directory.write("token", "")  // mid-rotation: keep the last good token
        #expect(source.current() == "second")
    }

    @Test func aTokenIsNotReReadBeforeTheInterval() throws {
        let file = directory.write("token", "first")
        let source = try BearerTokenSource(file: file, refreshInterval: .seconds(3600))
        directory.write("token", "second")
        #expect(source.current() == "first")
    }

    @Test func serverURLForms() throws {
        #expect(try APIServerEndpoint(parsing: "http://127.0.0.1:8001") == APIServerEndpoint(useTLS: false, host: "127.0.0.1", port: 8001))
        #expect(try APIServerEndpoint(parsing: "https://k8s.example") == APIServerEndpoint(useTLS: true, host: "k8s.example", port: 443))
        #expect(try APIServerEndpoint(parsing: "https://[::1]") == APIServerEndpoint(useTLS: true, host: "::1", port: 443))
    }

    @Test(arguments: [
        ("k8s.example:443", "the scheme must be https:// (or http:// for a local proxy)"),
        ("https://user@k8s.example", "user info is not allowed"), ("https://:443", "the host is empty"),
        ("https://[::1", "unterminated IPv6 address"),
    ])
    func serverURLsThatAreRefusedSayWhy(_ text: String, _ reason: String) {
        #expect(throws: KubernetesConfigurationError.invalidServerURL(text, reason: reason)) { try APIServerEndpoint(parsing: text) }
    }

    @Test func identityOfAServiceAccountTokenIsItsSubject() {
        let payload = Base64URL.encode(#"{"iss":"kubernetes/serviceaccount","sub":"system:serviceaccount:eks:pod-identity-webhook"}"#)
        #expect(KubernetesAPIClient.jwtSubject("eyJhbGciOiJSUzI1NiJ9.\(payload).c2ln") == "system:serviceaccount:eks:pod-identity-webhook")
        #expect(KubernetesAPIClient.jwtSubject("opaque-token") == nil)
    }
}

/// base64url without padding, for building test JWTs.
enum Base64URL {
    static func encode(_ text: String) -> String {
        String(Base64.encode(Array(text.utf8)).map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })
    }
}
