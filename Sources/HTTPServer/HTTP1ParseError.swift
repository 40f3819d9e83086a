/// A request the server must refuse, with the status to answer before closing the connection.
public struct HTTP1ParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case malformedRequestLine, unsupportedVersion, malformedHeader, missingHost, headTooLarge
        case conflictingFraming, invalidContentLength, unsupportedTransferEncoding, invalidChunk, bodyTooLarge
    }

    public let kind: Kind
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The HTTP status that answers this error.
    public var status: Int {
        switch kind {
        case .headTooLarge: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferEncoding: return 501
        default: return 400
        }
    }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
