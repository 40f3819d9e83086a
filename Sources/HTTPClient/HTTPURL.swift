/// An absolute `http://` or `https://` URL, split as a request needs it. `path` and `query` are sent as
/// given: the caller percent-encodes them (SigV4 signs exactly these bytes).
public struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable {
        case http
        case https

        public var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public var scheme: Scheme
    /// A host name or an IP address; IPv6 without brackets.
    public var host: String
    public var port: Int
    /// Starts with "/".
    public var path: String
    /// Without the "?"; nil when there is none.
    public var query: String?

    public init(scheme: Scheme, host: String, port: Int? = nil, path: String = "/", query: String? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.path = path.isEmpty ? "/" : path
        self.query = query
    }

    /// Parses `scheme://host[:port][/path][?query]`. IPv6 hosts go in brackets; user info and fragments are refused.
    public init(parsing text: String) throws(HTTPURLError) {
        func invalid(_ reason: String) -> HTTPURLError { HTTPURLError(url: text, reason: reason) }
        var rest = Substring(text)
        if rest.hasPrefix("https://") {
            scheme = .https
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            scheme = .http
            rest = rest.dropFirst(7)
        } else {
            throw invalid("the scheme must be https:// or http://")
        }
        if rest.contains("#") { throw invalid("a fragment is not allowed") }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var pathAndQuery = rest[authorityEnd...]
        if let mark = pathAndQuery.firstIndex(of: "?") {
            query = String(pathAndQuery[pathAndQuery.index(after: mark)...])
            pathAndQuery = pathAndQuery[..<mark]
        } else {
            query = nil
        }
        path = pathAndQuery.isEmpty ? "/" : String(pathAndQuery)
        if authority.contains("@") { throw invalid("user info is not allowed") }
        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
        }
        guard !hostPart.isEmpty else { throw invalid("the host is empty") }
        host = String(hostPart)
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw invalid("the port \"\(portPart)\" is not a number between 1 and 65535")
            }
            port = value
        } else {
            port = scheme.defaultPort
        }
    }

    /// The host as it appears in a URL: IPv6 in brackets.
    public var bracketedHost: String { host.contains(":") ? "[\(host)]" : host }

    /// `host:port`, for errors and logs.
    public var target: String { "\(bracketedHost):\(port)" }

    /// The `Host` header value: the port only when it is not the scheme's default (as curl and Go send it).
    public var authority: String { port == scheme.defaultPort ? bracketedHost : target }

    /// What the request line carries: the path and the query.
    public var requestTarget: String { query.map { "\(path)?\($0)" } ?? path }

    public var description: String { "\(scheme.rawValue)://\(authority)\(requestTarget)" }
}

/// A URL that cannot be used, and why.
public struct HTTPURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: String

    public var description: String { "invalid URL \"\(url)\": \(reason)" }
}
