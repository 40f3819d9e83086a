/// An `http(s)://host[:port][/path]` endpoint, as given in `--endpoint-url` or `AWS_ENDPOINT_URL*`.
public struct EndpointURL: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable { case http, https }

    public let scheme: Scheme
    public let host: String
    public let port: Int
    /// Without a trailing slash; empty for the root.
    public let basePath: String

    public init(scheme: Scheme, host: String, port: Int? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == .https ? 443 : 80)
        self.basePath = basePath
    }

    public init(parsing text: String, source: String) throws(AWSConfigurationError) {
        let scheme: Scheme
        let rest: Substring
        if text.hasPrefix("https://") { scheme = .https; rest = text.dropFirst(8) }
        else if text.hasPrefix("http://") { scheme = .http; rest = text.dropFirst(7) }
        else { throw .invalidEndpoint(source: source, value: text, problem: "must start with http:// or https://") }
        guard !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw .invalidEndpoint(source: source, value: text, problem: "must not contain a query, fragment or user info")
        }
        let authority = rest.prefix { $0 != "/" }
        var path = String(rest.dropFirst(authority.count))
        while path.hasSuffix("/") { path.removeLast() }
        var host = Substring(authority)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw .invalidEndpoint(source: source, value: text, problem: "unterminated IPv6 address") }
            let after = host[host.index(after: close)...]
            host = host[...close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { throw .invalidEndpoint(source: source, value: text, problem: "bad port") }
                port = value
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]) else { throw .invalidEndpoint(source: source, value: text, problem: "bad port") }
            port = value
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw .invalidEndpoint(source: source, value: text, problem: "no host") }
        if let port, !(1...65535).contains(port) { throw .invalidEndpoint(source: source, value: text, problem: "port out of range") }
        self.init(scheme: scheme, host: String(host).lowercased(), port: port, basePath: path)
    }

    public var isDefaultPort: Bool { port == (scheme == .https ? 443 : 80) }

    /// The Host header value.
    public var authority: String { isDefaultPort ? host : "\(host):\(port)" }

    public var description: String { "\(scheme.rawValue)://\(authority)\(basePath)" }
}
