import COpenSSL
import CWebhookShims
import Glibc

/// A TLS client connection over a `TCPSocket`: SNI and hostname (or IP) verification against the
/// API server's certificate, then deadline-bounded reads and writes.
final class TLSClientStream: ByteStream {
    private let socket: TCPSocket
    private let ssl: OpaquePointer

    init(socket: TCPSocket, context: TLSClientContext, host: String, deadline: ContinuousClock.Instant) throws(KubernetesAPIError) {
        self.socket = socket
        guard let ssl = SSL_new(context.context) else { throw .tls("SSL_new failed: \(TLSClientContext.openSSLErrors())") }
        self.ssl = ssl
        SSL_set_fd(ssl, socket.fd)
        let isIPAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        if !isIPAddress { _ = cws_SSL_set_tlsext_host_name(ssl, host) }
        if context.verifiesPeer {
            // OpenSSL 3 checks IP SANs when the name parses as an address, DNS SANs otherwise.
            _ = SSL_set1_host(ssl, host)
        }
        try drive(deadline: deadline, during: "TLS handshake") { SSL_connect(ssl) }
    }

    deinit {
        SSL_free(ssl)
        socket.close()
    }

    /// Runs an SSL call until it succeeds, waiting on the socket for whatever it asks for.
    @discardableResult
    private func drive(deadline: ContinuousClock.Instant, during operation: String, _ call: () -> Int32) throws(KubernetesAPIError) -> Int32 {
        while true {
            ERR_clear_error()
            let result = call()
            if result > 0 { return result }
            let error = SSL_get_error(ssl, result)
            switch error {
            case SSL_ERROR_WANT_READ:
                try socket.wait(for: Int16(POLLIN), deadline: deadline, during: operation)
            case SSL_ERROR_WANT_WRITE:
                try socket.wait(for: Int16(POLLOUT), deadline: deadline, during: operation)
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
                if result == 0 || errno == ECONNRESET || errno == EPIPE { return 0 }  // the peer went away
                throw .connection("\(operation): \(String(cString: strerror(errno)))")
            default:
                let verify = SSL_get_verify_result(ssl)
                if verify != X509_V_OK {
                    throw .tls("\(operation): server certificate not trusted: \(String(cString: X509_verify_cert_error_string(verify)))")
                }
                throw .tls("\(operation): \(TLSClientContext.openSSLErrors())")
            }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError) -> Int {
        let capacity = Int32(buffer.count)
        let count = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(KubernetesAPIError) in
                try drive(deadline: deadline, during: "reading the response") { SSL_read(ssl, raw.baseAddress, capacity) }
            }
        }
        return Int(try count.get())
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(KubernetesAPIError) {
        var offset = 0
        while offset < bytes.count {
            let attempt = bytes.withUnsafeBytes { raw in
                Result { () throws(KubernetesAPIError) in
                    try drive(deadline: deadline, during: "sending the request") {
                        SSL_write(ssl, raw.baseAddress! + offset, Int32(raw.count - offset))
                    }
                }
            }
            let written = try attempt.get()
            guard written > 0 else { throw .connection("the server closed the connection while we were sending") }
            offset += Int(written)
        }
    }

    func close() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        socket.close()
    }
}
