/// A request as SigV4 sees it. `path` is the request target's path exactly as sent (already
/// percent-encoded); `query` holds decoded names and values, encoded here for the wire and the signature alike.
public struct SignableRequest: Sendable {
    public var method: String
    /// The Host header: host, and port when it is not the scheme's default.
    public var host: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, host: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// `path?query` as it goes on the request line, the query encoded as SigV4 requires.
    public var target: String {
        query.isEmpty ? path : path + "?" + query.map { "\(URIEncoding.encode($0.name))=\(URIEncoding.encode($0.value))" }.joined(separator: "&")
    }
}

/// AWS Signature Version 4 (header signing), matching botocore's `SigV4Auth` and `S3SigV4Auth`.
public struct SigV4Signer: Sendable {
    /// How the canonical URI is formed and whether the payload hash travels as a header.
    public enum Style: Sendable, Equatable {
        /// Every service but S3: the path is normalized (dot segments, repeated slashes) and encoded a second time.
        case standard
        /// S3: the path is used as sent, and `x-amz-content-sha256` carries the payload hash.
        case s3
    }

    public let service: String
    public let region: String
    public let style: Style

    /// Headers never signed (botocore's list): proxies and clients may change them in flight.
    static let unsignedHeaders: Set<String> = ["expect", "transfer-encoding", "user-agent", "x-amzn-trace-id", "authorization"]

    public init(service: String, region: String, style: Style? = nil) {
        self.service = service
        self.region = region
        self.style = style ?? (service == "s3" ? .s3 : .standard)
    }

    /// The request with `X-Amz-Date`, `X-Amz-Security-Token` (temporary credentials),
    /// `X-Amz-Content-SHA256` (S3) and `Authorization` added.
    public func sign(_ request: SignableRequest, credentials: AWSCredentials, at time: AWSTimestamp) -> SignableRequest {
        var signed = request
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "date"]
        signed.headers.removeAll { replaced.contains($0.name.lowercased()) }
        if !signed.headers.contains(where: { $0.name.lowercased() == "host" }) {
            signed.headers.append(("Host", request.host))
        }
        signed.headers.append(("X-Amz-Date", time.basicFormat))
        if let token = credentials.sessionToken { signed.headers.append(("X-Amz-Security-Token", token)) }
        let payloadHash = SigningCrypto.hex(SigningCrypto.sha256(request.body))
        if style == .s3 { signed.headers.append(("X-Amz-Content-SHA256", payloadHash)) }

        let (canonical, signedHeaders) = canonicalRequest(signed, payloadHash: payloadHash)
        let scope = "\(time.date)/\(region)/\(service)/aws4_request"
        let stringToSign = "AWS4-HMAC-SHA256\n\(time.basicFormat)\n\(scope)\n"
            + SigningCrypto.hex(SigningCrypto.sha256(Array(canonical.utf8)))
        let key = signingKey(secret: credentials.secretAccessKey, date: time.date)
        let signature = SigningCrypto.hex(SigningCrypto.hmacSHA256(key: key, Array(stringToSign.utf8)))
        signed.headers.append(("Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        return signed
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    public func signingKey(secret: String, date: String) -> [UInt8] {
        var key = SigningCrypto.hmacSHA256(key: Array(("AWS4" + secret).utf8), Array(date.utf8))
        for part in [region, service, "aws4_request"] { key = SigningCrypto.hmacSHA256(key: key, Array(part.utf8)) }
        return key
    }

    /// The canonical request and the signed-headers list.
    public func canonicalRequest(_ request: SignableRequest, payloadHash: String) -> (String, String) {
        var grouped: [String: [String]] = [:]
        for (name, value) in request.headers {
            let lower = name.lowercased()
            guard !Self.unsignedHeaders.contains(lower) else { continue }
            grouped[lower, default: []].append(Self.trimAll(value))
        }
        let names = grouped.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let headerLines = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let query = request.query
            .map { (URIEncoding.encode($0.name), URIEncoding.encode($0.value)) }
            .sorted { $0.0 == $1.0 ? Array($0.1.utf8).lexicographicallyPrecedes(Array($1.1.utf8)) : Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonical = [request.method.uppercased(), canonicalURI(request.path), query, headerLines, signedHeaders, payloadHash]
            .joined(separator: "\n")
        return (canonical, signedHeaders)
    }

    func canonicalURI(_ path: String) -> String {
        switch style {
        case .s3: return path.isEmpty ? "/" : path
        case .standard: return URIEncoding.encode(Self.removeDotSegments(path), keepingSlash: true)
        }
    }

    /// RFC 3986 5.2.4, plus repeated slashes collapsed, as AWS services (and botocore) require.
    static func removeDotSegments(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var output: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." { _ = output.popLast() } else { output.append(segment) }
        }
        let leading = path.hasPrefix("/") ? "/" : ""
        let trailing = path.hasSuffix("/") && !output.isEmpty ? "/" : ""
        return leading + output.joined(separator: "/") + trailing
    }

    /// Leading and trailing whitespace removed, inner runs collapsed to one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" })
            .joined(separator: " ")
    }
}
