/// What the TLS listener needs: the certificate/key files, the minimum version and the TLS <= 1.2 cipher suites.
public struct TLSServerSettings: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String
    public var minimumVersion: TLSMinimumVersion
    /// IANA (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`) or OpenSSL (`ECDHE-RSA-AES128-GCM-SHA256`) names.
    /// Empty means a modern default (ECDHE + AEAD). TLS 1.3 suite names are accepted and ignored, as in Go.
    public var cipherSuites: [String]

    public init(certificatePath: String, keyPath: String, minimumVersion: TLSMinimumVersion = .tls12,
                cipherSuites: [String] = []) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.minimumVersion = minimumVersion
        self.cipherSuites = cipherSuites
    }

    /// The OpenSSL cipher list used when no suites are configured: forward secrecy and AEAD only.
    static let defaultCipherList =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

    /// Checks the cipher suite names without touching any file (for `--dry-run`); throws on the first unknown name.
    public func validate() throws(TLSSettingsError) {
        _ = try openSSLCipherList()
    }

    /// Parses the upstream flag values (`--tls-min-version`, comma-separated `--tls-cipher-suites`) and validates them.
    public static func validate(minimumVersion: String, cipherSuites: String) throws(TLSSettingsError)
        -> (TLSMinimumVersion, [String])
    {
        let version = try TLSMinimumVersion(flagValue: minimumVersion)
        let suites = cipherSuites.split(separator: ",").map { trimmed(String($0)) }.filter { !$0.isEmpty }
        let settings = TLSServerSettings(certificatePath: "", keyPath: "", minimumVersion: version, cipherSuites: suites)
        try settings.validate()
        return (version, suites)
    }

    /// The `SSL_CTX_set_cipher_list` string. A list naming only TLS 1.3 suites leaves TLS 1.2 on the default
    /// rather than without ciphers.
    func openSSLCipherList() throws(TLSSettingsError) -> String {
        if cipherSuites.isEmpty { return Self.defaultCipherList }
        var names: [String] = []
        for suite in cipherSuites {
            guard let entry = CipherSuiteCatalog.entry(named: suite) else { throw .unknownCipherSuite(suite) }
            if !entry.isTLS13 { names.append(entry.openSSLName) }
        }
        return names.isEmpty ? Self.defaultCipherList : names.joined(separator: ":")
    }

    private static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
