import COpenSSL
import TLSSupport

/// Reads service-account verification keys from a PEM file, as `--service-account-key-file` takes them:
/// PKIX `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, or a private key (`PRIVATE KEY`, `RSA PRIVATE KEY`,
/// `EC PRIVATE KEY`) whose public half is derived, so admins can point at the signing key itself.
/// A file may hold several keys; `EC PARAMETERS` blocks (from `openssl ecparam -genkey`) are skipped.
public enum PublicKeyFile {
    static let expectedContent = "a PEM public key (PUBLIC KEY or RSA PUBLIC KEY) or private key"

    public static func load(_ path: String) throws(ToolkitError) -> [SigningPublicKey] {
        var bytes = try FileBytes.read(path)
        defer { for index in bytes.indices { bytes[index] = 0 } }  // the file may be a private key
        var keys: [SigningPublicKey] = []
        for block in try PEMBlock.all(in: bytes, path: path, expected: expectedContent) where block.label != "EC PARAMETERS" {
            keys.append(try decode(block, path: path))
        }
        guard !keys.isEmpty else { throw .notPEM(path: path, expected: expectedContent) }
        return keys
    }

    private static func decode(_ block: PEMBlock, path: String) throws(ToolkitError) -> SigningPublicKey {
        if block.label == "ENCRYPTED PRIVATE KEY" || block.headers.contains("ENCRYPTED") {
            throw .encryptedKey(path: path)
        }
        OpenSSLErrorQueue.clear()
        let key: OpaquePointer? = block.der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            let length = buffer.count
            switch block.label {
            case "PUBLIC KEY": return d2i_PUBKEY(nil, &cursor, length)
            case "RSA PUBLIC KEY": return d2i_PublicKey(EVP_PKEY_RSA, nil, &cursor, length)
            case "PRIVATE KEY": return d2i_AutoPrivateKey(nil, &cursor, length)
            case "RSA PRIVATE KEY": return d2i_PrivateKey(EVP_PKEY_RSA, nil, &cursor, length)
            case "EC PRIVATE KEY": return d2i_PrivateKey(EVP_PKEY_EC, nil, &cursor, length)
            default: return nil
            }
        }
        guard let key else {
            if ["PUBLIC KEY", "RSA PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"].contains(block.label) {
                throw .malformedKey(path: path, label: block.label, detail: OpenSSLErrorQueue.drain(fallback: "undecodable DER"))
            }
            throw .unsupportedPEMBlock(path: path, label: block.label, expected: expectedContent)
        }
        defer { EVP_PKEY_free(key) }
        return try SigningPublicKey(key: key, path: path)
    }
}
