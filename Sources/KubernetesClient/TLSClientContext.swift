import COpenSSL
import CWebhookShims

/// The client-side `SSL_CTX` for the API server: trust anchors (the configured CA or the system store),
/// an optional client certificate, TLS 1.2+, ALPN `http/1.1`. Built once; an `SSL_CTX` is thread-safe.
final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer
    let verifiesPeer: Bool
    /// The client certificate's subject, for "who are we" in authorization errors.
    let clientCertificateSubject: String?

    init(configuration: KubernetesClientConfiguration) throws(KubernetesConfigurationError) {
        let origin = configuration.origin
        func failure(_ what: String) -> KubernetesConfigurationError {
            .invalidCredentials(origin: origin, reason: "\(what): \(Self.openSSLErrors())")
        }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("SSL_CTX_new failed") }
        self.context = context
        _ = cws_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        _ = cws_SSL_CTX_set_mode(context, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        let alpn: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = SSL_CTX_set_alpn_protos(context, alpn, UInt32(alpn.count))
        // A peer closing without close_notify reads as end of stream; HTTP framing detects truncated bodies.
        _ = SSL_CTX_set_options(context, cws_SSL_OP_IGNORE_UNEXPECTED_EOF())

        verifiesPeer = !configuration.insecureSkipTLSVerify
        if verifiesPeer {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            if let caPEM = configuration.certificateAuthorityPEM {
                let certificates = Self.readCertificates(caPEM)
                guard !certificates.isEmpty else { throw failure("the certificate authority holds no readable PEM certificate") }
                let store = SSL_CTX_get_cert_store(context)
                for certificate in certificates {
                    X509_STORE_add_cert(store, certificate)
                    X509_free(certificate)
                }
            } else if SSL_CTX_set_default_verify_paths(context) != 1 {
                throw failure("cannot load the system trust store")
            }
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }

        if let certificatePEM = configuration.clientCertificatePEM, let keyPEM = configuration.clientKeyPEM {
            let chain = Self.readCertificates(certificatePEM)
            guard let leaf = chain.first else { throw failure("the client certificate holds no readable PEM certificate") }
            defer { chain.forEach { X509_free($0) } }
            guard SSL_CTX_use_certificate(context, leaf) == 1 else { throw failure("the client certificate is not usable") }
            for intermediate in chain.dropFirst() {
                // add0 takes ownership: hand it its own reference.
                X509_up_ref(intermediate)
                _ = SSL_CTX_ctrl(context, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate))
            }
            guard let key = Self.withBIO(keyPEM, { PEM_read_bio_PrivateKey($0, nil, nil, nil) }) else {
                throw failure("the client key is not a readable PEM private key")
            }
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

    private static func withBIO<T>(_ bytes: [UInt8], _ body: (OpaquePointer?) -> T?) -> T? {
        bytes.withUnsafeBytes { raw in
            let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count))
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Every certificate in a PEM bundle (the caller frees them).
    private static func readCertificates(_ pem: [UInt8]) -> [OpaquePointer] {
        withBIO(pem) { bio -> [OpaquePointer] in
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { certificates.append(certificate) }
            ERR_clear_error()  // the loop ends on a "no start line" error
            return certificates
        } ?? []
    }

    static func openSSLErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error detail" : messages.joined(separator: "; ")
    }
}
