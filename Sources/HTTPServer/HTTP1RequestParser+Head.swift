/// Request-line, field and chunk-size syntax (RFC 9110/9112), strict where leniency enables smuggling.
extension HTTP1RequestParser {
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    static func parseHead(_ head: ArraySlice<UInt8>, limits: Limits) throws(HTTP1ParseError)
        -> (HTTP1ParsedRequest, BodyFraming)
    {
        var lines = try splitLines(head)
        guard !lines.isEmpty else { throw HTTP1ParseError(.malformedRequestLine, "empty request line") }
        let (method, target, minorVersion) = try parseRequestLine(head[lines.removeFirst()])
        let (path, query) = try splitTarget(target, method: method)

        var headers = HTTPHeaders()
        var contentLengths: [String] = []
        var transferCodings: [String] = []
        var connectionTokens: [String] = []
        var hostCount = 0
        var expectsContinue = false
        for line in lines {
            let (name, value) = try parseField(head[line])
            switch name {
            case "content-length": contentLengths += value.split(separator: ",", omittingEmptySubsequences: false).map { trim($0) }
            case "transfer-encoding": transferCodings += value.split(separator: ",").map { trim($0).lowercased() }.filter { !$0.isEmpty }
            case "connection": connectionTokens += value.split(separator: ",").map { trim($0).lowercased() }
            case "host": hostCount += 1
            case "expect": expectsContinue = value.lowercased() == "100-continue"
            default: break
            }
            headers.add(name: name, value: value)
        }
        if minorVersion == 1 && hostCount != 1 {
            throw HTTP1ParseError(.missingHost, hostCount == 0 ? "HTTP/1.1 request without Host" : "more than one Host field")
        }

        var framing = BodyFraming.none
        if !transferCodings.isEmpty {
            guard contentLengths.isEmpty else {
                throw HTTP1ParseError(.conflictingFraming, "both Content-Length and Transfer-Encoding")
            }
            guard minorVersion == 1 else {
                throw HTTP1ParseError(.conflictingFraming, "Transfer-Encoding in an HTTP/1.0 request")
            }
            guard transferCodings == ["chunked"] else {
                if transferCodings.last != "chunked" {
                    throw HTTP1ParseError(.conflictingFraming, "Transfer-Encoding does not end with chunked")
                }
                throw HTTP1ParseError(.unsupportedTransferEncoding,
                                      "unsupported transfer coding \(transferCodings.joined(separator: ", "))")
            }
            framing = .chunked
        } else if let first = contentLengths.first {
            guard contentLengths.allSatisfy({ $0 == first }) else {
                throw HTTP1ParseError(.invalidContentLength, "conflicting Content-Length values")
            }
            guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                throw HTTP1ParseError(.invalidContentLength, "Content-Length is not a decimal number")
            }
            // Anything longer than 18 digits is certainly over the limit (and would overflow).
            guard first.utf8.count <= 18, let length = Int(first), length <= limits.maxBodyBytes else {
                throw HTTP1ParseError(.bodyTooLarge, "Content-Length \(first) exceeds \(limits.maxBodyBytes) bytes")
            }
            if length > 0 { framing = .length(length) }
        }

        let keepAlive = minorVersion == 1 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        let request = HTTPRequest(method: method, path: path, query: query, headers: headers, body: [],
                                  version: .http1_1)
        let parsed = HTTP1ParsedRequest(request: request, minorVersion: minorVersion, keepAlive: keepAlive,
                                        expectsContinue: expectsContinue && minorVersion == 1 && framing != .none)
        return (parsed, framing)
    }

    /// Splits at LF, dropping one CR before each LF; a CR anywhere else, or an obs-fold, is refused.
    private static func splitLines(_ head: ArraySlice<UInt8>) throws(HTTP1ParseError) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = head.startIndex
        for index in head.indices where head[index] == UInt8(ascii: "\n") {
            var end = index
            if end > start && head[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            lines.append(start..<end)
            start = index + 1
        }
        if start < head.endIndex { lines.append(start..<head.endIndex) }
        for (number, line) in lines.enumerated() {
            if head[line].contains(UInt8(ascii: "\r")) {
                throw HTTP1ParseError(number == 0 ? .malformedRequestLine : .malformedHeader, "bare CR in request head")
            }
            if number > 0, let first = head[line].first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                throw HTTP1ParseError(.malformedHeader, "obsolete line folding")
            }
        }
        return lines
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (String, String, Int) {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte), !parts[1].isEmpty,
              parts[1].allSatisfy({ $0 > 0x20 && $0 != 0x7F })
        else {
            throw HTTP1ParseError(.malformedRequestLine, "expected METHOD SP target SP HTTP-version")
        }
        let version = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard version.count == 8, Array(version[0..<5]) == prefix, isDigit(version[5]), version[6] == UInt8(ascii: "."),
              isDigit(version[7])
        else {
            throw HTTP1ParseError(.malformedRequestLine, "malformed HTTP version")
        }
        guard version[5] == UInt8(ascii: "1"), version[7] <= UInt8(ascii: "1") else {
            throw HTTP1ParseError(.unsupportedVersion, "HTTP version \(String(decoding: version, as: UTF8.self)) not supported")
        }
        return (String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self),
                Int(version[7] - UInt8(ascii: "0")))
    }

    /// Origin form (`/p?q`), asterisk form for OPTIONS, and absolute form (`http://host/p?q`).
    private static func splitTarget(_ target: String, method: String) throws(HTTP1ParseError) -> (String, String) {
        var pathAndQuery = Substring(target)
        if target == "*" {
            guard method == "OPTIONS" else { throw HTTP1ParseError(.malformedRequestLine, "* target outside OPTIONS") }
            return ("*", "")
        }
        if !target.hasPrefix("/") {
            let lower = target.lowercased()
            let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
            guard schemeLength > 0 else {
                throw HTTP1ParseError(.malformedRequestLine, "request target is not a path")
            }
            let afterScheme = target.dropFirst(schemeLength)
            pathAndQuery = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterScheme[$0...] } ?? "/"
            if pathAndQuery.first == "?" { pathAndQuery = "/" + pathAndQuery }
        }
        if let mark = pathAndQuery.firstIndex(of: "?") {
            return (String(pathAndQuery[..<mark]), String(pathAndQuery[pathAndQuery.index(after: mark)...]))
        }
        return (String(pathAndQuery), "")
    }

    /// `name: value` with a token name, no space before the colon, and no control characters but HTAB in the value.
    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTP1ParseError(.malformedHeader, "header line without colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw HTTP1ParseError(.malformedHeader, "invalid header name")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
        guard value.allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == UInt8(ascii: "\t") }) else {
            throw HTTP1ParseError(.malformedHeader, "control character in header value")
        }
        return (String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self))
    }

    /// `1*HEXDIG [ ; extensions ]`; sizes above 2^48 are refused before they could overflow.
    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> Int {
        let sizeEnd = line.firstIndex(where: { $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            ?? line.endIndex
        let digits = line[line.startIndex..<sizeEnd]
        guard !digits.isEmpty, digits.count <= 12 else { throw HTTP1ParseError(.invalidChunk, "invalid chunk size") }
        var size = 0
        for byte in digits {
            guard let value = hexValue(byte) else { throw HTTP1ParseError(.invalidChunk, "invalid chunk size") }
            size = size << 4 | value
        }
        let rest = line[sizeEnd...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if let first = rest.first, first != UInt8(ascii: ";") {
            throw HTTP1ParseError(.invalidChunk, "invalid chunk size")
        }
        guard rest.allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == UInt8(ascii: "\t") }) else {
            throw HTTP1ParseError(.invalidChunk, "control character in chunk extension")
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    private static func trim(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
