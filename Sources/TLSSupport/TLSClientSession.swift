import COpenSSL
import CWebhookShims
import Glibc
import Locking

/// One client TLS connection over a connected non-blocking socket: SNI, hostname (or IP) verification, then
/// reads and writes that report what the socket must wait for. The caller owns the socket and the waiting.
/// Confined to one thread.
public final class TLSClientSession {
    /// What one call achieved.
    public enum Progress: Sendable, Equatable {
        /// Done; for reads and writes, the number of bytes moved.
        case completed(Int)
        /// Call again once the socket is readable / writable.
        case wantRead
        case wantWrite
        /// The peer ended the connection (close_notify, or the socket closed).
        case closed
    }

    private let context: TLSClientContext
    private let ssl: OpaquePointer

    public init(context: TLSClientContext, fileDescriptor: Int32, serverName host: String) throws(TLSClientError) {
        self.context = context
        guard let ssl = SSL_new(context.context) else {
            throw .protocolFailure("SSL_new failed: \(OpenSSLErrorQueue.drain(fallback: "no OpenSSL error detail"))")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, fileDescriptor)
        let isIPAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        if !isIPAddress { _ = cws_SSL_set_tlsext_host_name(ssl, host) }
        if context.verifiesPeer {
            // OpenSSL 3 checks IP SANs when the name parses as an address, DNS SANs otherwise.
            _ = SSL_set1_host(ssl, host)
        }
    }

    deinit { SSL_free(ssl) }

    public func handshake() throws(TLSClientError) -> Progress {
        try step { SSL_connect(ssl) }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSClientError) -> Progress {
        try step { SSL_read(ssl, buffer.baseAddress, Int32(clamping: buffer.count)) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(TLSClientError) -> Progress {
        try step { SSL_write(ssl, bytes.baseAddress, Int32(clamping: bytes.count)) }
    }

    /// The certificates the server sent, in its order (leaf first), DER; empty before the handshake.
    public var peerCertificateChain: [[UInt8]] {
        guard let chain = SSL_get_peer_cert_chain(ssl) else { return [] }
        return (0..<OPENSSL_sk_num(chain)).compactMap { index in
            guard let raw = OPENSSL_sk_value(chain, index) else { return nil }
            let certificate = OpaquePointer(raw)
            let length = i2d_X509(certificate, nil)
            guard length > 0 else { return nil }
            var der = [UInt8](repeating: 0, count: Int(length))
            der.withUnsafeMutableBufferPointer { buffer in
                var cursor = buffer.baseAddress
                _ = i2d_X509(certificate, &cursor)
            }
            return der
        }
    }

    /// Sends close_notify, without waiting for the peer's.
    public func shutdown() {
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
    }

    private func step(_ call: () -> Int32) throws(TLSClientError) -> Progress {
        OpenSSLErrorQueue.clear()
        let result = call()
        if result > 0 { return .completed(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            return .wantRead
        case SSL_ERROR_WANT_WRITE:
            return .wantWrite
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            if result == 0 || errno == ECONNRESET || errno == EPIPE { return .closed }  // the peer went away
            throw .system(SystemError.describe(errno))
        default:
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                throw .untrustedCertificate(String(cString: X509_verify_cert_error_string(verify)))
            }
            throw .protocolFailure(OpenSSLErrorQueue.drain(fallback: "no OpenSSL error detail"))
        }
    }
}
