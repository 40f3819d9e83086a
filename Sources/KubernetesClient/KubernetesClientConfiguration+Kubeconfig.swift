import JSONCore
import Yams

extension KubernetesClientConfiguration {
    /// Reads a kubeconfig's current context: its cluster (`server`, `certificate-authority[-data]`,
    /// `insecure-skip-tls-verify`) and user (`token`, `tokenFile`, `client-certificate[-data]`, `client-key[-data]`).
    /// Relative file paths are relative to the kubeconfig's folder, as in kubectl. `overrideServer` (`--kube-api`)
    /// replaces the cluster's server URL.
    public static func kubeconfig(
        path: String,
        overrideServer: String? = nil
    ) throws(KubernetesConfigurationError) -> KubernetesClientConfiguration {
        let text = try FileContents.readString(path)
        let document = try KubeconfigDocument(path: path, text: text)
        return try document.configuration(overrideServer: overrideServer)
    }
}

/// A parsed kubeconfig, navigated with errors that name the field at fault.
struct KubeconfigDocument {
    let path: String
    let root: Node
    let directory: String

    init(path: String, text: String) throws(KubernetesConfigurationError) {
        self.path = path
        if let slash = path.lastIndex(of: "/") {
            directory = path[..<slash].isEmpty ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let parsed: Node?
        do {
            parsed = try Yams.compose(yaml: text)
        } catch {
            throw .invalidKubeconfig(path: path, field: "(document)", reason: "not valid YAML: \(error)")
        }
        guard let parsed, parsed.mapping != nil else {
            throw .invalidKubeconfig(path: path, field: "(document)", reason: "expected a YAML mapping")
        }
        root = parsed
    }

    private func invalid(_ field: String, _ reason: String) -> KubernetesConfigurationError {
        .invalidKubeconfig(path: path, field: field, reason: reason)
    }

    /// `current-context` -> its `context` -> the named cluster and user.
    func configuration(overrideServer: String?) throws(KubernetesConfigurationError) -> KubernetesClientConfiguration {
        guard let contextName = try string(root, "current-context", at: "current-context"), !contextName.isEmpty else {
            throw invalid("current-context", "is not set (choose one with `kubectl config use-context`)")
        }
        let context = try namedEntry("contexts", name: contextName, body: "context")
        let contextField = "contexts[name=\(contextName)].context"
        guard let clusterName = try string(context, "cluster", at: contextField + ".cluster") else {
            throw invalid(contextField + ".cluster", "is missing")
        }
        let cluster = try namedEntry("clusters", name: clusterName, body: "cluster")
        let clusterField = "clusters[name=\(clusterName)].cluster"

        var userField = ""
        var user: Node?
        if let userName = try string(context, "user", at: contextField + ".user"), !userName.isEmpty {
            user = try namedEntry("users", name: userName, body: "user")
            userField = "users[name=\(userName)].user"
        }

        let serverText: String
        if let overrideServer {
            serverText = overrideServer
        } else if let fromFile = try string(cluster, "server", at: clusterField + ".server"), !fromFile.isEmpty {
            serverText = fromFile
        } else {
            throw invalid(clusterField + ".server", "is missing")
        }
        let server: APIServerEndpoint
        do {
            server = try APIServerEndpoint(parsing: serverText)
        } catch {
            if overrideServer != nil { throw error }
            throw invalid(clusterField + ".server", error.description)
        }

        let caPEM = try pem(cluster, file: "certificate-authority", data: "certificate-authority-data", at: clusterField)
        let insecure = try bool(cluster, "insecure-skip-tls-verify", at: clusterField + ".insecure-skip-tls-verify") ?? false
        if insecure && caPEM != nil {
            throw invalid(clusterField + ".insecure-skip-tls-verify",
                          "cannot be combined with certificate-authority (choose one)")
        }

        var token: BearerTokenSource?
        var certificatePEM: [UInt8]?
        var keyPEM: [UInt8]?
        if let user {
            for unsupported in ["exec", "auth-provider", "username", "password"] where user[unsupported] != nil {
                throw invalid(userField + "." + unsupported,
                              "is not supported; use token, tokenFile or client-certificate/client-key")
            }
            let literal = try string(user, "token", at: userField + ".token")
            let file = try string(user, "tokenFile", at: userField + ".tokenFile")
            if let literal, !literal.isEmpty {
                token = BearerTokenSource(token: literal)
            } else if let file, !file.isEmpty {
                do {
                    token = try BearerTokenSource(file: resolve(file))
                } catch {
                    throw invalid(userField + ".tokenFile", error.description)
                }
            }
            certificatePEM = try pem(user, file: "client-certificate", data: "client-certificate-data", at: userField)
            keyPEM = try pem(user, file: "client-key", data: "client-key-data", at: userField)
            if (certificatePEM == nil) != (keyPEM == nil) {
                let missing = certificatePEM == nil ? "client-certificate" : "client-key"
                throw invalid(userField + "." + missing, "is missing (client-certificate and client-key go together)")
            }
        }

        return KubernetesClientConfiguration(
            server: server,
            certificateAuthorityPEM: caPEM,
            bearerToken: token,
            clientCertificatePEM: certificatePEM,
            clientKeyPEM: keyPEM,
            insecureSkipTLSVerify: insecure,
            origin: "kubeconfig \(path) (context \(contextName))")
    }

    /// The `body` mapping of the entry named `name` in the list `list` (`clusters`, `users`, `contexts`).
    private func namedEntry(_ list: String, name: String, body: String) throws(KubernetesConfigurationError) -> Node {
        guard let entries = root[list] else { throw invalid(list, "is missing (looking for \"\(name)\")") }
        guard let sequence = entries.sequence else { throw invalid(list, "must be a list") }
        for (index, entry) in sequence.enumerated() where entry["name"]?.string == name {
            guard let content = entry[body], content.mapping != nil else {
                throw invalid("\(list)[\(index)].\(body)", "is missing or not a mapping")
            }
            return content
        }
        throw invalid(list, "has no entry named \"\(name)\"")
    }

    private func string(_ node: Node, _ key: String, at field: String) throws(KubernetesConfigurationError) -> String? {
        guard let value = node[key] else { return nil }
        if case .scalar(let scalar) = value { return scalar.string }
        throw invalid(field, "must be a string")
    }

    private func bool(_ node: Node, _ key: String, at field: String) throws(KubernetesConfigurationError) -> Bool? {
        guard let value = node[key] else { return nil }
        guard let flag = value.bool else { throw invalid(field, "must be true or false") }
        return flag
    }

    /// A PEM given either inline (`<data>`, base64) or as a file path (`<file>`), not both.
    private func pem(_ node: Node, file: String, data: String, at base: String) throws(KubernetesConfigurationError) -> [UInt8]? {
        let filePath = try string(node, file, at: "\(base).\(file)").flatMap { $0.isEmpty ? nil : $0 }
        let inline = try string(node, data, at: "\(base).\(data)").flatMap { $0.isEmpty ? nil : $0 }
        if filePath != nil && inline != nil {
            throw invalid("\(base).\(data)", "cannot be combined with \(file) (choose one)")
        }
        let bytes: [UInt8]
        let field: String
        if let inline {
            field = "\(base).\(data)"
            guard let decoded = Base64.decodeIgnoringWhitespace(inline) else {
                throw invalid(field, "is not valid base64")
            }
            bytes = decoded
        } else if let filePath {
            field = "\(base).\(file)"
            do {
                bytes = try FileContents.read(resolve(filePath))
            } catch {
                throw invalid(field, error.description)
            }
        } else {
            return nil
        }
        guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN ") else {
            throw invalid(field, "does not contain a PEM block (-----BEGIN ...)")
        }
        return bytes
    }

    private func resolve(_ file: String) -> String {
        file.hasPrefix("/") ? file : directory + "/" + file
    }
}
