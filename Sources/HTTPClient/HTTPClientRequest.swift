/// One request. The client adds `Host` (unless given), `Content-Length` (when there is a body, or the method
/// is POST, PUT or PATCH) and `Connection: close` (one request per connection); every other header is sent
/// exactly as given, in order.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: HTTPURL
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String = "GET", url: HTTPURL, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The bytes on the wire, or why the request cannot be sent (CR, LF or NUL in a header, a bad method).
    func encoded() throws(HTTPClientError) -> [UInt8] {
        func invalid(_ reason: String) -> HTTPClientError { HTTPClientError(target: url.target, .invalidRequest(reason)) }
        guard !method.isEmpty, method.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { throw invalid("invalid method \"\(method)\"") }
        guard url.requestTarget.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw invalid("the path and query must be percent-encoded ASCII")
        }
        var text = "\(method) \(url.requestTarget) HTTP/1.1\r\n"
        var hasHost = false
        var hasLength = false
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: ":") }) else {
                throw invalid("invalid header name \"\(name.prefix(40))\"")
            }
            guard !value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
                throw invalid("the value of header \(name) holds CR, LF or NUL")
            }
            switch name.lowercased() {
            case "host": hasHost = true
            case "content-length": hasLength = true
            case "connection", "transfer-encoding": throw invalid("header \(name) is set by the client")
            default: break
            }
            text += "\(name): \(value)\r\n"
        }
        if !hasHost { text += "Host: \(url.authority)\r\n" }
        if !hasLength && (!body.isEmpty || ["POST", "PUT", "PATCH"].contains(method)) {
            text += "Content-Length: \(body.count)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8) + body
    }
}
