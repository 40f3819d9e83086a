import Glibc

/// Request-line, field and chunk-size syntax (RFC 9110/9112), strict where leniency enables smuggling.
/// Works on bytes: it runs for every HTTP/1.1 request, and only the method, target and fields become `String`s.
extension HTTP1RequestParser {
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// The fields that decide framing and connection reuse, as the head is read.
    private struct FramingFields {
        /// The first Content-Length list element, trimmed (`Content-Length: 5, 5` has two).
        var contentLength: ArraySlice<UInt8>?
        /// Some Content-Length element differs from the first.
        var contentLengthsDiffer = false
        /// Transfer codings, lower-cased, empty elements dropped.
        var transferCodings: [String] = []
        var connectionClose = false
        var connectionKeepAlive = false
        var hostCount = 0
        var expectsContinue = false
    }

    static func parseHead(_ head: ArraySlice<UInt8>, limits: Limits) throws(HTTP1ParseError)
        -> (HTTP1ParsedRequest, BodyFraming)
    {
        var lines = try splitLines(head)
        guard !lines.isEmpty else { throw HTTP1ParseError(.malformedRequestLine, "empty request line") }
        let (method, target, minorVersion) = try parseRequestLine(head[lines.removeFirst()])
        let (path, query) = try splitTarget(target, method: method)

        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count)
        var fields = FramingFields()
        for line in lines {
            let (name, value) = try parseField(head[line])
            if ASCII.equalsIgnoringCase(name, "content-length") {
                for element in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                    let length = ASCII.trimmed(element)
                    if let first = fields.contentLength {
                        if !first.elementsEqual(length) { fields.contentLengthsDiffer = true }
                    } else {
                        fields.contentLength = length
                    }
                }
            } else if ASCII.equalsIgnoringCase(name, "transfer-encoding") {
                for element in value.split(separator: UInt8(ascii: ",")) where !ASCII.trimmed(element).isEmpty {
                    fields.transferCodings.append(String(decoding: ASCII.trimmed(element), as: UTF8.self).lowercased())
                }
            } else if ASCII.equalsIgnoringCase(name, "connection") {
                for element in value.split(separator: UInt8(ascii: ",")) {
                    let token = ASCII.trimmed(element)
                    if ASCII.equalsIgnoringCase(token, "close") { fields.connectionClose = true }
                    if ASCII.equalsIgnoringCase(token, "keep-alive") { fields.connectionKeepAlive = true }
                }
            } else if ASCII.equalsIgnoringCase(name, "host") {
                fields.hostCount += 1
            } else if ASCII.equalsIgnoringCase(name, "expect") {
                fields.expectsContinue = ASCII.equalsIgnoringCase(value, "100-continue")
            }
            let lowerName = lowercasedString(name)
            headers.appendLowercased(name: lowerName, value: String(decoding: value, as: UTF8.self))
        }
        if minorVersion == 1 && fields.hostCount != 1 {
            throw HTTP1ParseError(.missingHost, fields.hostCount == 0 ? "HTTP/1.1 request without Host" : "more than one Host field")
        }
        let framing = try bodyFraming(fields, minorVersion: minorVersion, limits: limits)
        let keepAlive = minorVersion == 1 ? !fields.connectionClose : fields.connectionKeepAlive
        let request = HTTPRequest(method: method, path: path, query: query, headers: headers, body: [],
                                  version: .http1_1)
        let parsed = HTTP1ParsedRequest(request: request, minorVersion: minorVersion, keepAlive: keepAlive,
                                        expectsContinue: fields.expectsContinue && minorVersion == 1 && framing != .none)
        return (parsed, framing)
    }

    private static func bodyFraming(_ fields: FramingFields, minorVersion: Int, limits: Limits) throws(HTTP1ParseError)
        -> BodyFraming
    {
        if !fields.transferCodings.isEmpty {
            guard fields.contentLength == nil else {
                throw HTTP1ParseError(.conflictingFraming, "both Content-Length and Transfer-Encoding")
            }
            guard minorVersion == 1 else {
                throw HTTP1ParseError(.conflictingFraming, "Transfer-Encoding in an HTTP/1.0 request")
            }
            guard fields.transferCodings == ["chunked"] else {
                if fields.transferCodings.last != "chunked" {
                    throw HTTP1ParseError(.conflictingFraming, "Transfer-Encoding does not end with chunked")
                }
                throw HTTP1ParseError(.unsupportedTransferEncoding,
                                      "unsupported transfer coding \(fields.transferCodings.joined(separator: ", "))")
            }
            return .chunked
        }
        guard let first = fields.contentLength else { return .none }
        guard !fields.contentLengthsDiffer else {
            throw HTTP1ParseError(.invalidContentLength, "conflicting Content-Length values")
        }
        guard !first.isEmpty, first.allSatisfy(isDigit) else {
            throw HTTP1ParseError(.invalidContentLength, "Content-Length is not a decimal number")
        }
        // Anything longer than 18 digits is certainly over the limit (and would overflow).
        var length = 0
        if first.count <= 18 {
            for digit in first { length = length * 10 + Int(digit - UInt8(ascii: "0")) }
        }
        guard first.count <= 18, length <= limits.maxBodyBytes else {
            throw HTTP1ParseError(.bodyTooLarge,
                                  "Content-Length \(String(decoding: first, as: UTF8.self)) exceeds \(limits.maxBodyBytes) bytes")
        }
        return length > 0 ? .length(length) : .none
    }

    /// Splits at LF, dropping one CR before each LF; a CR anywhere else, or an obs-fold, is refused. The C
    /// library's `memchr` finds each LF and any CR, instead of a Swift loop over every byte of the head.
    private static func splitLines(_ head: ArraySlice<UInt8>) throws(HTTP1ParseError) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(16)
        let failure = head.withUnsafeBufferPointer { bytes -> HTTP1ParseError? in
            guard let base = bytes.baseAddress else { return nil }
            let first = UnsafeRawPointer(base)
            var start = 0
            while start < bytes.count {
                let lineFeed = memchr(base + start, 0x0A, bytes.count - start).map { first.distance(to: $0) } ?? bytes.count
                var end = lineFeed
                if lineFeed < bytes.count && end > start && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if memchr(base + start, 0x0D, end - start) != nil {
                    return HTTP1ParseError(lines.isEmpty ? .malformedRequestLine : .malformedHeader, "bare CR in request head")
                }
                do throws(HTTP1ParseError) {
                    try appendLine(head.startIndex + start..<head.startIndex + end, of: head, to: &lines)
                } catch {
                    return error
                }
                start = lineFeed + 1
            }
            return nil
        }
        if let failure { throw failure }
        return lines
    }

    private static func appendLine(_ line: Range<Int>, of head: ArraySlice<UInt8>,
                                   to lines: inout [Range<Int>]) throws(HTTP1ParseError) {
        if !lines.isEmpty, !line.isEmpty, head[line.lowerBound] == UInt8(ascii: " ") || head[line.lowerBound] == UInt8(ascii: "\t") {
            throw HTTP1ParseError(.malformedHeader, "obsolete line folding")
        }
        lines.append(line)
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError)
        -> (String, ArraySlice<UInt8>, Int)
    {
        let malformed = HTTP1ParseError(.malformedRequestLine, "expected METHOD SP target SP HTTP-version")
        guard let firstSpace = line.firstIndex(of: UInt8(ascii: " ")),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: UInt8(ascii: " "))
        else { throw malformed }
        let method = line[..<firstSpace], target = line[(firstSpace + 1)..<secondSpace], version = line[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(isTokenByte), !target.isEmpty,
              target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }), !version.contains(UInt8(ascii: " "))
        else { throw malformed }
        let v = version.startIndex
        guard version.count == 8, version.starts(with: "HTTP/".utf8), isDigit(version[v + 5]),
              version[v + 6] == UInt8(ascii: "."), isDigit(version[v + 7])
        else {
            throw HTTP1ParseError(.malformedRequestLine, "malformed HTTP version")
        }
        guard version[v + 5] == UInt8(ascii: "1"), version[v + 7] <= UInt8(ascii: "1") else {
            throw HTTP1ParseError(.unsupportedVersion, "HTTP version \(String(decoding: version, as: UTF8.self)) not supported")
        }
        return (String(decoding: method, as: UTF8.self), target, Int(version[v + 7] - UInt8(ascii: "0")))
    }

    /// Origin form (`/p?q`), asterisk form for OPTIONS, and absolute form (`http://host/p?q`).
    private static func splitTarget(_ target: ArraySlice<UInt8>, method: String) throws(HTTP1ParseError) -> (String, String) {
        if target.count == 1 && target.first == UInt8(ascii: "*") {
            guard method == "OPTIONS" else { throw HTTP1ParseError(.malformedRequestLine, "* target outside OPTIONS") }
            return ("*", "")
        }
        var pathAndQuery = target
        var rootPrefix = false  // absolute form without a path: the path is "/"
        if target.first != UInt8(ascii: "/") {
            let schemeLength = startsWithIgnoringCase(target, "http://") ? 7 : startsWithIgnoringCase(target, "https://") ? 8 : 0
            guard schemeLength > 0 else {
                throw HTTP1ParseError(.malformedRequestLine, "request target is not a path")
            }
            let afterScheme = target.dropFirst(schemeLength)
            let start = afterScheme.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? afterScheme.endIndex
            pathAndQuery = afterScheme[start...]
            rootPrefix = pathAndQuery.first != UInt8(ascii: "/")
        }
        let mark = pathAndQuery.firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = pathAndQuery[..<(mark ?? pathAndQuery.endIndex)]
        let path = rootPrefix ? "/" + String(decoding: pathBytes, as: UTF8.self) : String(decoding: pathBytes, as: UTF8.self)
        let query = mark.map { String(decoding: pathAndQuery[($0 + 1)...], as: UTF8.self) } ?? ""
        return (path, query)
    }

    private static func startsWithIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        bytes.count >= lowercase.utf8CodeUnitCount
            && ASCII.equalsIgnoringCase(bytes.prefix(lowercase.utf8CodeUnitCount), lowercase)
    }

    /// `name: value` with a token name, no space before the colon, and no control characters but HTAB in the
    /// value; returns the name and the value without surrounding whitespace.
    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        // One pass over raw bytes (this runs for every field of every request): the name up to the colon, then
        // the value's bytes; the checks and their order are those of the field grammar.
        // The colon's offset; nil without a colon; -1 when a byte before the first colon is not a token byte.
        let colonOffset = line.withUnsafeBufferPointer { bytes -> Int? in
            for offset in 0..<bytes.count where !isTokenByte(bytes[offset]) {
                if bytes[offset] == UInt8(ascii: ":") { return offset }
                return memchr(bytes.baseAddress! + offset, Int32(UInt8(ascii: ":")), bytes.count - offset) == nil ? nil : -1
            }
            return nil
        }
        guard let colonOffset else { throw HTTP1ParseError(.malformedHeader, "header line without colon") }
        guard colonOffset > 0 else { throw HTTP1ParseError(.malformedHeader, "invalid header name") }
        let colon = line.startIndex + colonOffset
        let name = line[line.startIndex..<colon]
        let value = ASCII.trimmed(line[(colon + 1)...])
        let valid = value.withUnsafeBufferPointer { bytes in
            for byte in bytes where (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F { return false }
            return true
        }
        guard valid else { throw HTTP1ParseError(.malformedHeader, "control character in header value") }
        return (name, value)
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

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~`` (a switch: the compiler makes it a table).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// A token (ASCII) as a lower-case `String`, built once.
    private static func lowercasedString(_ token: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: token.count) { buffer in
            for (offset, byte) in token.enumerated() {
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return token.count
        }
    }
}
