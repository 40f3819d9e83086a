import HTTPServer
import Logging

/// Feeds the HTTP server's events into the metrics.
struct ServerMetricsObserver: ServerObserver {
    let metrics: WebhookMetrics
    /// `webhook` or `metrics`: which listener, as a label.
    let port: String
    let logger: Logger

    func connectionOpened() { metrics.connectionOpened(port: port) }
    func connectionClosed() { metrics.connectionClosed(port: port) }
    func tlsHandshakeFailed(reason: String) { metrics.tlsHandshakeFailed() }
    func protocolError(_ kind: ServerProtocolErrorKind) { metrics.protocolError(kind: kind.rawValue) }

    func certificateReloaded(success: Bool, notAfter: Int64?, error: String?) {
        metrics.certificateReloaded(success: success, notAfter: notAfter)
    }
}
