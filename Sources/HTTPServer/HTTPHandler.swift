/// The contract between the protocol layers (HTTP/1.1, HTTP/2) and the application.
/// Handlers never see sockets, TLS or framing.

public enum HTTPVersion: String, Sendable {
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
}

/// Header fields in arrival order; names are lower-cased by the server.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields.map { ($0.name.lowercased(), $0.value) }
    }

    public mutating func add(name: String, value: String) {
        fields.append((name.lowercased(), value))
    }

    /// For the parsers, whose names are lower-case already.
    mutating func appendLowercased(name: String, value: String) {
        fields.append((name, value))
    }

    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// The first value of `name` (case-insensitive).
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name == lower }?.value
    }

    /// Whether `content-type` names `mediaType` (given in lower case), ignoring case and parameters such
    /// as `charset`.
    public func contentTypeIs(_ mediaType: StaticString) -> Bool {
        // Names are stored lower-case: no lower-casing of the name looked for, as `self[_:]` does (once per request).
        guard var value = fields.first(where: { $0.name == "content-type" })?.value else { return false }
        return value.withUTF8 { bytes in
            let end = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            return ASCII.equalsIgnoringCase(ASCII.trimmed(bytes[0..<end]), mediaType)
        }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}

public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string, e.g. `/mutate`.
    public var path: String
    /// The raw query string without `?` (empty when absent).
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var version: HTTPVersion

    public init(method: String, path: String, query: String = "", headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], version: HTTPVersion = .http1_1) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.version = version
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Handles one complete request. `respond` must be called exactly once, from any thread:
/// inline for fast answers, or later (e.g. after a bounded Kubernetes API lookup) without
/// blocking the event loop that owns the connection.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest, respond: @escaping @Sendable (HTTPResponse) -> Void)
}
