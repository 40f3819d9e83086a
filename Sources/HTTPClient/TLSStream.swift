import Glibc
import Locking
import TLSSupport

/// A TLS client connection over a `TCPSocket`: the handshake (SNI, certificate and name verification, in
/// `TLSClientSession`), then deadline-bounded reads and writes that wait on the socket as TLS asks.
final class TLSStream: ByteStream {
    private let socket: TCPSocket
    private let session: TLSClientSession
    private var closed = false
    var target: String { socket.target }
    /// The server's certificates as sent, leaf first (DER).
    var peerCertificateChain: [[UInt8]] { session.peerCertificateChain }

    init(socket: TCPSocket, context: TLSClientContext, host: String, deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        self.socket = socket
        do {
            session = try TLSClientSession(context: context, fileDescriptor: socket.fd, serverName: host)
        } catch {
            throw HTTPClientError(target: socket.target, .tls(error.description))
        }
        let outcome = try drive(deadline: deadline, during: "TLS handshake") { () throws(TLSClientError) in try session.handshake() }
        guard outcome > 0 else { throw HTTPClientError(target: target, .connection("TLS handshake: the server closed the connection")) }
    }

    deinit { socket.close() }

    /// Repeats a TLS step until it completes (its byte count) or the peer closes (0), waiting on the socket
    /// for whatever TLS asks for.
    private func drive(deadline: ContinuousClock.Instant, during operation: String,
                       _ step: () throws(TLSClientError) -> TLSClientSession.Progress) throws(HTTPClientError) -> Int {
        while true {
            let progress: TLSClientSession.Progress
            do {
                progress = try step()
            } catch .system(let reason) {
                throw HTTPClientError(target: target, .connection("\(operation): \(reason)"))
            } catch {
                throw HTTPClientError(target: target, .tls("\(operation): \(error.description)"))
            }
            switch progress {
            case .completed(let count): return count
            case .closed: return 0
            case .wantRead: try socket.wait(for: Int16(POLLIN), deadline: deadline, during: operation)
            case .wantWrite: try socket.wait(for: Int16(POLLOUT), deadline: deadline, during: operation)
            }
        }
    }

    func read(into buffer: inout [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) -> Int {
        let outcome = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(HTTPClientError) in
                try drive(deadline: deadline, during: "reading the response") { () throws(TLSClientError) in try session.read(into: raw) }
            }
        }
        return try outcome.get()
    }

    func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let attempt = bytes.withUnsafeBytes { raw in
                Result { () throws(HTTPClientError) in
                    try drive(deadline: deadline, during: "sending the request") { () throws(TLSClientError) in
                        try session.write(UnsafeRawBufferPointer(rebasing: raw[offset...]))
                    }
                }
            }
            let written = try attempt.get()
            guard written > 0 else {
                throw HTTPClientError(target: target, .connection("the server closed the connection while we were sending"))
            }
            offset += written
        }
    }

    /// Idempotent: a second call must not send close_notify to a descriptor number another socket may now hold.
    func close() {
        guard !closed else { return }
        closed = true
        session.shutdown()
        socket.close()
    }
}
