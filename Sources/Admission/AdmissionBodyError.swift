import JSONCore

/// A request body that is not an AdmissionReview at all: answered with HTTP 400 and `{"error":"..."}`.
public struct AdmissionBodyError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
    public static let httpStatus = 400

    /// `{"error":"<reason>"}`.
    public var responseBody: [UInt8] {
        JSON.serialize(.object(JSONObject([(key: "error", value: .string(reason))])))
    }
}
