import COpenSSL
import TLSSupport

/// The SHA-1 certificate fingerprint IAM asks for when creating an OIDC provider.
public struct CertificateThumbprint: Sendable, Equatable {
    /// Lowercase hex without separators, the form `aws iam create-open-id-connect-provider` takes.
    public let hex: String
    /// The certificate's subject, one-line form, so a person can see which certificate was used.
    public let subject: String
    /// How many certificates the file held; the thumbprint is of the last one.
    public let certificateCount: Int

    /// IAM wants the top certificate of the chain the issuer's host serves, which is the last one in a
    /// chain file (`openssl s_client -showcerts` order); a single-certificate file is simply that one.
    public static func ofLastCertificate(in path: String) throws(ToolkitError) -> CertificateThumbprint {
        let expected = "a PEM certificate (-----BEGIN CERTIFICATE-----)"
        let blocks = try PEMBlock.all(in: FileBytes.read(path), path: path, expected: expected)
        let certificates = blocks.filter { $0.label == "CERTIFICATE" || $0.label == "X509 CERTIFICATE" }
        guard !certificates.isEmpty else {
            throw .unsupportedPEMBlock(path: path, label: blocks[0].label, expected: expected)
        }
        return try ofLastCertificate(inChain: certificates.map(\.der), origin: path)
    }

    /// The same rule over a chain a TLS handshake received (leaf first, DER); `origin` names it in errors.
    public static func ofLastCertificate(inChain certificates: [[UInt8]], origin: String) throws(ToolkitError) -> CertificateThumbprint {
        guard let last = certificates.last else {
            throw .malformedCertificate(path: origin, detail: "no certificate")
        }
        for certificate in certificates { _ = try subject(of: certificate, path: origin) }
        let digest = Digest.sha1(last)
        return CertificateThumbprint(
            hex: digest.map { byte in String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16) }.joined(),
            subject: try subject(of: last, path: origin),
            certificateCount: certificates.count)
    }

    /// Parses `der` as X.509 (rejecting anything else) and returns its subject.
    private static func subject(of der: [UInt8], path: String) throws(ToolkitError) -> String {
        OpenSSLErrorQueue.clear()
        let certificate = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let certificate else {
            throw .malformedCertificate(path: path, detail: OpenSSLErrorQueue.drain(fallback: "undecodable DER"))
        }
        defer { X509_free(certificate) }
        guard let line = X509_NAME_oneline(X509_get_subject_name(certificate), nil, 0) else { return "" }
        defer { openSSLFree(line) }
        return String(cString: line)
    }
}
