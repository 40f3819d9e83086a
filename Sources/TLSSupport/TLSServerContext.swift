import COpenSSL
import CWebhookShims
import Glibc

/// An immutable, configured `SSL_CTX` with one certificate/key pair. OpenSSL contexts are thread-safe once
/// configured, and every `SSL` made from one keeps its own reference, so a replaced context lives on for the
/// connections that still use it.
public final class TLSServerContext: @unchecked Sendable {
    /// The `SSL_CTX *`; pass it to `SSL_new`.
    public let handle: OpaquePointer
    /// The serving certificate's notAfter, in seconds since the Unix epoch.
    public let notAfter: Int64?

    /// Builds a context from PEM text (certificate chain, leaf first, and private key).
    /// The paths only name the sources in errors.
    public init(settings: TLSServerSettings, certificatePEM: [UInt8], keyPEM: [UInt8]) throws(TLSSettingsError) {
        let cipherList = try settings.openSSLCipherList()
        ERR_clear_error()
        guard let ctx = SSL_CTX_new(TLS_server_method()) else {
            throw .contextCreationFailed(OpenSSLErrorQueue.drain())
        }
        var ok = false
        defer { if !ok { SSL_CTX_free(ctx) } }

        _ = cws_SSL_CTX_set_min_proto_version(ctx, settings.minimumVersion.openSSLVersion)
        // IGNORE_UNEXPECTED_EOF: a client that closes without close_notify is a plain end of input (HTTP frames
        // its own messages), not a fatal TLS error, which would also evict its session from the cache.
        _ = SSL_CTX_set_options(ctx, cws_SSL_OP_ALL() | cws_SSL_OP_NO_RENEGOTIATION()
            | cws_SSL_OP_CIPHER_SERVER_PREFERENCE() | cws_SSL_OP_NO_COMPRESSION() | cws_SSL_OP_IGNORE_UNEXPECTED_EOF())
        _ = cws_SSL_CTX_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
            | SSL_MODE_RELEASE_BUFFERS))
        _ = cws_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
        // Read whole socket buffers instead of one record header and body at a time: fewer syscalls.
        // Safe with epoll because reads continue until OpenSSL says WANT_READ.
        cws_SSL_CTX_set_read_ahead(ctx, 1)
        guard SSL_CTX_set_cipher_list(ctx, cipherList) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            throw .noUsableCipherSuite(settings.cipherSuites)
        }
        // TLS 1.3 suites in Go's order (what upstream serves and the API server prefers): AES-128-GCM first,
        // cheaper than AES-256 for both ends at the same strength class. Not configurable, as in Go.
        guard SSL_CTX_set_ciphersuites(ctx, Self.tls13CipherSuites) == 1 else {
            throw .contextCreationFailed(OpenSSLErrorQueue.drain())
        }
        let groupsSet = Self.keyExchangeGroups.withCString {
            SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, UnsafeMutableRawPointer(mutating: $0))
        }
        guard groupsSet == 1 else { throw .contextCreationFailed(OpenSSLErrorQueue.drain()) }
        SSL_CTX_set_alpn_select_cb(ctx, { _, out, outLength, offered, offeredLength, _ in
            guard let out, let outLength, let offered else { return SSL_TLSEXT_ERR_NOACK }
            return TLSServerContext.selectALPN(out: out, outLength: outLength, offered: offered,
                                               offeredLength: Int(offeredLength))
        }, nil)

        let notAfter = try Self.useCertificateChain(ctx, pem: certificatePEM, path: settings.certificatePath)
        try Self.usePrivateKey(ctx, pem: keyPEM, path: settings.keyPath)
        guard SSL_CTX_check_private_key(ctx) == 1 else {
            _ = OpenSSLErrorQueue.drain()
            throw .keyDoesNotMatchCertificate(certificatePath: settings.certificatePath, keyPath: settings.keyPath)
        }
        self.handle = ctx
        self.notAfter = notAfter
        ok = true
    }

    static let tls13CipherSuites = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384"

    /// Key exchange for TLS 1.3 and ECDHE in TLS 1.2: Go's fast curves, so kube-apiserver negotiates as with
    /// upstream. No FFDHE (an `ffdhe8192` handshake costs the server ~100 times an X25519 one) and no X448.
    static let keyExchangeGroups = "X25519:P-256:P-384"

    deinit { SSL_CTX_free(handle) }

    /// Server preference: `h2`, then `http/1.1`. `*out` points into the client's own list, which outlives the call.
    private static func selectALPN(out: UnsafeMutablePointer<UnsafePointer<UInt8>?>,
                                   outLength: UnsafeMutablePointer<UInt8>,
                                   offered: UnsafePointer<UInt8>, offeredLength: Int) -> Int32 {
        for wanted in [Array("h2".utf8), Array("http/1.1".utf8)] {
            var index = 0
            while index < offeredLength {
                let length = Int(offered[index])
                let start = index + 1
                guard start + length <= offeredLength else { break }
                if length == wanted.count && (0..<length).allSatisfy({ offered[start + $0] == wanted[$0] }) {
                    out.pointee = offered + start
                    outLength.pointee = UInt8(length)
                    return SSL_TLSEXT_ERR_OK
                }
                index = start + length
            }
        }
        return SSL_TLSEXT_ERR_NOACK
    }

    private static func withMemoryBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer) throws(TLSSettingsError) -> T)
        throws(TLSSettingsError) -> T
    {
        guard let value = try OpenSSLMemoryBIO.reading(bytes, body) else { throw .contextCreationFailed("BIO_new_mem_buf failed") }
        return value
    }

    /// A passphrase callback that refuses: an encrypted key must fail, never prompt on a terminal.
    private static let noPassphrase: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }

    private static func useCertificateChain(_ ctx: OpaquePointer, pem: [UInt8], path: String)
        throws(TLSSettingsError) -> Int64?
    {
        try withMemoryBIO(pem) { bio throws(TLSSettingsError) -> Int64? in
            guard let leaf = PEM_read_bio_X509(bio, nil, noPassphrase, nil) else {
                throw .invalidCertificate(path: path, reason: "no PEM certificate found (\(OpenSSLErrorQueue.drain()))")
            }
            defer { X509_free(leaf) }
            guard SSL_CTX_use_certificate(ctx, leaf) == 1 else {
                throw .invalidCertificate(path: path, reason: OpenSSLErrorQueue.drain())
            }
            // The rest of the file is the chain; running out of certificates ends it.
            while let intermediate = PEM_read_bio_X509(bio, nil, noPassphrase, nil) {
                // SSL_CTX_add0_chain_cert takes ownership on success.
                if SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate)) != 1 {
                    X509_free(intermediate)
                    throw .invalidCertificate(path: path, reason: OpenSSLErrorQueue.drain())
                }
            }
            ERR_clear_error()
            return notAfter(of: leaf)
        }
    }

    private static func usePrivateKey(_ ctx: OpaquePointer, pem: [UInt8], path: String) throws(TLSSettingsError) {
        try withMemoryBIO(pem) { bio throws(TLSSettingsError) in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, noPassphrase, nil) else {
                throw .invalidPrivateKey(path: path, reason: "no usable PEM private key found (\(OpenSSLErrorQueue.drain()))")
            }
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_PrivateKey(ctx, key) == 1 else {
                throw .invalidPrivateKey(path: path, reason: OpenSSLErrorQueue.drain())
            }
        }
    }

    private static func notAfter(of certificate: OpaquePointer) -> Int64? {
        guard let time = X509_get0_notAfter(certificate) else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        return Int64(timegm(&parts))
    }
}
