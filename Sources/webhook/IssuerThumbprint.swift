import ArgumentParser
import HTTPClient
import IRSAToolkit
import TLSSupport

/// `--thumbprint auto`: the thumbprint `webhook oidc thumbprint` computes, taken from the chain the issuer's host
/// serves. The handshake verifies that chain against the system trust store (OpenSSL honours SSL_CERT_FILE), so
/// an impostor's CA is never pinned.
enum IssuerThumbprint {
    static func fetch(for issuer: IssuerURL) throws -> CertificateThumbprint {
        let url = try HTTPURL(parsing: issuer.description)
        let origin = "the TLS chain of \(url.host):\(url.port)"
        do {
            let client = HTTPClient(tls: try TLSClientContext(settings: TLSClientSettings(trust: .systemStore)))
            let chain = try client.serverCertificateChain(of: url, deadline: .now + .seconds(20))
            return try CertificateThumbprint.ofLastCertificate(inChain: chain, origin: origin)
        } catch {
            throw ValidationError("--thumbprint auto: cannot read \(origin) (\(error)); pass --thumbprint HEX (`webhook oidc thumbprint`)")
        }
    }
}
