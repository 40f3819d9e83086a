import COpenSSL
import TLSSupport

extension SigningPublicKey {
    /// Reads the public half of `key` (which may hold a private key too; only public parts are read).
    /// `path` names the file in errors.
    init(key: OpaquePointer, path: String) throws(ToolkitError) {
        let spki = try Self.subjectPublicKeyInfo(of: key)
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA:
            let modulus = try Self.bigNumberParameter(OSSL_PKEY_PARAM_RSA_N, of: key, paddedTo: nil)
            let exponent = try Self.bigNumberParameter(OSSL_PKEY_PARAM_RSA_E, of: key, paddedTo: nil)
            self.init(parameters: .rsa(modulus: modulus, exponent: exponent), subjectPublicKeyInfo: spki)
        case EVP_PKEY_EC:
            let curve = Self.groupName(of: key)
            // OpenSSL names P-256 "prime256v1" (X9.62); accept its NIST alias too.
            guard curve == SN_X9_62_prime256v1 || curve == "P-256" else {
                throw .unsupportedCurve(path: path, curve: curve)
            }
            let x = try Self.bigNumberParameter(OSSL_PKEY_PARAM_EC_PUB_X, of: key, paddedTo: 32)
            let y = try Self.bigNumberParameter(OSSL_PKEY_PARAM_EC_PUB_Y, of: key, paddedTo: 32)
            self.init(parameters: .ecP256(x: x, y: y), subjectPublicKeyInfo: spki)
        default:
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            throw .unsupportedKeyType(path: path, type: name)
        }
    }

    private static func subjectPublicKeyInfo(of key: OpaquePointer) throws(ToolkitError) -> [UInt8] {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else {
            throw .openSSLFailure(operation: "i2d_PUBKEY", detail: OpenSSLErrorQueue.drain(fallback: "no public key"))
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else {
            throw .openSSLFailure(operation: "i2d_PUBKEY", detail: OpenSSLErrorQueue.drain(fallback: "short write"))
        }
        return der
    }

    /// A BIGNUM parameter as big-endian bytes: minimal when `width` is nil, else left-padded to `width`.
    private static func bigNumberParameter(_ name: String, of key: OpaquePointer, paddedTo width: Int?) throws(ToolkitError) -> [UInt8] {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else {
            throw .openSSLFailure(operation: "EVP_PKEY_get_bn_param(\(name))", detail: OpenSSLErrorQueue.drain(fallback: "parameter missing"))
        }
        defer { BN_free(number) }
        let count = width ?? (Int(BN_num_bits(number)) + 7) / 8
        var bytes = [UInt8](repeating: 0, count: count)
        let written = bytes.withUnsafeMutableBufferPointer { BN_bn2binpad(number, $0.baseAddress, Int32(count)) }
        guard written == count else {
            throw .openSSLFailure(operation: "BN_bn2binpad(\(name))", detail: "value wider than \(count) bytes")
        }
        return bytes
    }

    private static func groupName(of key: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        let ok = buffer.withUnsafeMutableBufferPointer { EVP_PKEY_get_group_name(key, $0.baseAddress, $0.count, &length) }
        OpenSSLErrorQueue.clear()
        guard ok == 1 else { return "unknown" }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
