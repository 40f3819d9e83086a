import COpenSSL

/// Every cipher suite this OpenSSL knows, by IANA name (as Go spells them) and OpenSSL name.
/// Built once from OpenSSL itself, so validation never disagrees with what the library can configure.
enum CipherSuiteCatalog {
    struct Entry: Sendable {
        let ianaName: String
        let openSSLName: String
        /// TLS 1.3 suites are not configurable through the cipher list (Go ignores them too).
        let isTLS13: Bool
    }

    static let entries: [Entry] = {
        guard let ctx = SSL_CTX_new(TLS_server_method()) else { return [] }
        defer { SSL_CTX_free(ctx) }
        _ = SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        guard let stack = SSL_CTX_get_ciphers(ctx) else { return [] }
        var result: [Entry] = []
        for index in 0..<OPENSSL_sk_num(stack) {
            guard let raw = OPENSSL_sk_value(stack, index) else { continue }
            let cipher = OpaquePointer(raw)
            guard let standard = SSL_CIPHER_standard_name(cipher), let name = SSL_CIPHER_get_name(cipher) else { continue }
            let version = SSL_CIPHER_get_version(cipher).map { String(cString: $0) } ?? ""
            result.append(Entry(ianaName: String(cString: standard), openSSLName: String(cString: name),
                                isTLS13: version == "TLSv1.3"))
        }
        return result
    }()

    /// Finds a suite by IANA or OpenSSL name (case-sensitive, as both registries are).
    static func entry(named name: String) -> Entry? {
        entries.first { $0.ianaName == name || $0.openSSLName == name }
    }
}
