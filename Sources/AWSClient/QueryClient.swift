import AWSCore

/// IAM and STS: the Query protocol (form-encoded POST, XML answer).
public struct QueryClient: Sendable {
    public let sender: AWSRequestSender
    public let endpoint: AWSEndpoint
    public let version: String

    public init(sender: AWSRequestSender, endpoint: AWSEndpoint) {
        self.sender = sender
        self.endpoint = endpoint
        self.version = endpoint.service == .sts ? "2011-06-15" : "2010-05-08"
    }

    /// The `<Action>Result` element of the answer.
    public func call(_ action: String, _ parameters: [(String, String)], unsigned: Bool = false) throws(AWSError) -> XMLElement {
        let body = URIEncoding.formBody([("Action", action), ("Version", version)] + parameters)
        let path = endpoint.url.basePath.isEmpty ? "/" : endpoint.url.basePath + "/"
        let response = try sender.send(endpoint: endpoint, url: endpoint.url, action: action, method: "POST", path: path,
                                       headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                       body: Array(body.utf8), unsigned: unsigned)
        do {
            let root = try XMLReader.parse(response.body)
            return root.child("\(action)Result") ?? XMLElement(name: "\(action)Result")
        } catch {
            throw AWSError(service: endpoint.service.rawValue, action: action, endpoint: endpoint.url.description,
                           cause: .malformedAnswer(error.description))
        }
    }

    /// A read of something that may not exist: nil for `NoSuchEntity`.
    public func callUnlessMissing(_ action: String, _ parameters: [(String, String)]) throws(AWSError) -> XMLElement? {
        do {
            return try call(action, parameters)
        } catch {
            if error.code == "NoSuchEntity" { return nil }
            throw error
        }
    }

    /// `Name.member.N` list parameters.
    public static func list(_ name: String, _ values: [String]) -> [(String, String)] {
        values.enumerated().map { ("\(name).member.\($0.offset + 1)", $0.element) }
    }
}
