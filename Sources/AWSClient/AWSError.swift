import AWSCore
import HTTPClient

/// A failed AWS call: the service and action, and either AWS's answer (status, error code,
/// message, request id) or the transport failure. Never holds credentials or signatures.
public struct AWSError: Error, Sendable, CustomStringConvertible {
    public enum Cause: Sendable {
        case service(status: Int, code: String, message: String, requestID: String?)
        case transport(HTTPClientError)
        case malformedAnswer(String)
        case credentials(String)
        case deadline(attempts: Int, last: String)
    }

    public let service: String
    public let action: String
    public let endpoint: String
    public let cause: Cause

    public var code: String? { if case .service(_, let code, _, _) = cause { return code }; return nil }

    public var description: String {
        let prefix = "\(service) \(action) (\(endpoint))"
        switch cause {
        case .service(let status, let code, let message, let requestID):
            return "\(prefix): \(code): \(message) (HTTP \(status)\(requestID.map { ", request id \($0)" } ?? ""))"
        case .transport(let error): return "\(prefix): \(error)"
        case .malformedAnswer(let detail): return "\(prefix): unexpected answer: \(detail)"
        case .credentials(let detail): return "\(prefix): no credentials: \(detail)"
        case .deadline(let attempts, let last): return "\(prefix): gave up after \(attempts) attempts within the deadline; last: \(last)"
        }
    }
}
