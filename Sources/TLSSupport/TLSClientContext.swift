import COpenSSL
import CWebhookShims

/// A client-side `SSL_CTX`: trust anchors (a CA bundle or the system store), an optional client certificate,
/// TLS 1.2+, ALPN. Built once; an `SSL_CTX` is thread-safe once configured, and every `TLSClientSession`
/// keeps it alive.
public final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer
    public let verifiesPeer: Bool
    /// The client certificate's subject, for "who are we" in authorization errors.
    public let clientCertificateSubject: String?

    public init(settings: TLSClientSettings) throws(TLSClientError) {
        func failure(_ what: String) -> TLSClientError {
            .invalidSettings("\(what): \(OpenSSLErrorQueue.drain(fallback: "no OpenSSL error detail"))")
        }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("SSL_CTX_new failed") }
        self.context = context
        _ = cws_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = cws_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        let alpn = settings.applicationProtocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        if !alpn.isEmpty { _ = SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count)) }
        // A peer closing without close_notify reads as end of stream; HTTP framing detects truncated bodies.
        _ = SSL_CTX_set_options(context, cws_SSL_OP_IGNORE_UNEXPECTED_EOF())

        switch settings.trust {
        case .none:
            verifiesPeer = false
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        case .systemStore:
            verifiesPeer = true
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            guard SSL_CTX_set_default_verify_paths(context) == 1 else { throw failure("cannot load the system trust store") }
        case .certificateAuthorities(let pem):
            verifiesPeer = true
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            let certificates = PEMCertificates.read(pem)
            guard !certificates.isEmpty else { throw failure("the certificate authority holds no readable PEM certificate") }
            let store = SSL_CTX_get_cert_store(context)
            for certificate in certificates {
                X509_STORE_add_cert(store, certificate)
                X509_free(certificate)
            }
        }

        if let certificatePEM = settings.clientCertificatePEM, let keyPEM = settings.clientKeyPEM {
            let chain = PEMCertificates.read(certificatePEM)
            guard let leaf = chain.first else { throw failure("the client certificate holds no readable PEM certificate") }
            defer { chain.forEach { X509_free($0) } }
            guard SSL_CTX_use_certificate(context, leaf) == 1 else { throw failure("the client certificate is not usable") }
            for intermediate in chain.dropFirst() {
                // add0 takes ownership: hand it its own reference.
                X509_up_ref(intermediate)
                _ = SSL_CTX_ctrl(context, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate))
            }
            let key = OpenSSLMemoryBIO.reading(keyPEM) { (bio: OpaquePointer) -> OpaquePointer? in
                PEM_read_bio_PrivateKey(bio, nil, nil, nil)
            }
            guard let key = key ?? nil else { throw failure("the client key is not a readable PEM private key") }
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
                throw failure("the client key does not match the client certificate")
            }
            var name = [CChar](repeating: 0, count: 512)
            X509_NAME_oneline(X509_get_subject_name(leaf), &name, Int32(name.count))
            clientCertificateSubject = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        } else {
            clientCertificateSubject = nil
        }
    }

    deinit { SSL_CTX_free(context) }
}
