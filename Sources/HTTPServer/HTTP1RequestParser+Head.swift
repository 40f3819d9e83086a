import Glibc

/// Request-line, field and chunk-size syntax (RFC 9110/9112), strict where leniency enables smuggling.
/// Works on the head's memory: it runs for every HTTP/1.1 request, and only the method, target and fields
/// become `String`s (slices of an `ArraySlice` would retain its storage and check bounds at every step).
extension HTTP1RequestParser {
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// The fields that decide framing and connection reuse, as the head is read.
    private struct FramingFields {
        /// The first Content-Length list element, trimmed (`Content-Length: 5, 5` has two).
        var contentLength: UnsafeBufferPointer<UInt8>?
        /// Some Content-Length element differs from the first.
        var contentLengthsDiffer = false
        /// Transfer codings, lower-cased, empty elements dropped.
        var transferCodings: [String] = []
        var connectionClose = false
        var connectionKeepAlive = false
        var hostCount = 0
        var expectsContinue = false
    }

    /// The fields whose values decide framing or connection reuse.
    private enum FramingField {
        case contentLength, transferEncoding, connection, host, expect
    }

    static func parseHead(_ head: ArraySlice<UInt8>, limits: Limits) throws(HTTP1ParseError)
        -> (HTTP1ParsedRequest, BodyFraming)
    {
        let parsed = head.withUnsafeBufferPointer { bytes in
            Result { () throws(HTTP1ParseError) in try parseHead(bytes, limits: limits) }
        }
        return try parsed.get()
    }

    private static func parseHead(_ head: UnsafeBufferPointer<UInt8>, limits: Limits) throws(HTTP1ParseError)
        -> (HTTP1ParsedRequest, BodyFraming)
    {
        let lines = try splitLines(head)
        guard let requestLine = lines.first else { throw HTTP1ParseError(.malformedRequestLine, "empty request line") }
        let (method, target, minorVersion) = try parseRequestLine(UnsafeBufferPointer(rebasing: head[requestLine]))
        let (path, query) = try splitTarget(target, method: method)

        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count - 1)
        var fields = FramingFields()
        for line in lines.dropFirst() {
            let bytes = UnsafeBufferPointer(rebasing: head[line])
            let parts = try fieldParts(bytes)
            let name = UnsafeBufferPointer(rebasing: bytes[parts.name])
            let value = UnsafeBufferPointer(rebasing: bytes[parts.value])
            let known = parts.known
            switch known?.framing {
            case .contentLength?:
                // The list's elements, empty ones included (`2,` has a second, empty element).
                var start = 0
                while true {
                    var end = start
                    while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
                    let length = UnsafeBufferPointer(rebasing: ASCII.trimmed(value[start..<end]))
                    if let first = fields.contentLength {
                        if !first.elementsEqual(length) { fields.contentLengthsDiffer = true }
                    } else {
                        fields.contentLength = length
                    }
                    guard end < value.count else { break }
                    start = end + 1
                }
            case .transferEncoding?:
                for element in value.split(separator: UInt8(ascii: ",")) where !ASCII.trimmed(element).isEmpty {
                    fields.transferCodings.append(String(decoding: ASCII.trimmed(element), as: UTF8.self).lowercased())
                }
            case .connection?:
                for element in value.split(separator: UInt8(ascii: ",")) {
                    let token = ASCII.trimmed(element)
                    if ASCII.equalsIgnoringCase(token, "close") { fields.connectionClose = true }
                    if ASCII.equalsIgnoringCase(token, "keep-alive") { fields.connectionKeepAlive = true }
                }
            case .host?:
                fields.hostCount += 1
            case .expect?:
                fields.expectsContinue = ASCII.equalsIgnoringCase(value, "100-continue")
            case nil:
                break
            }
            headers.appendLowercased(name: known?.lowercased ?? lowercasedString(name), value: valueString(value))
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

    /// A name most requests carry, given as a literal (no `String` built per field), and the framing fields'
    /// roles. The literals are lower-case letters and `-`: a name that matches one is made of token bytes.
    private static func knownName(_ name: UnsafeBufferPointer<UInt8>) -> (lowercased: String, framing: FramingField?)? {
        func matches(_ literal: StaticString) -> Bool {
            let wanted = literal.utf8Start
            for offset in 0..<name.count {
                // `| 0x20` lower-cases a letter (and would make `-` of a CR, hence the exact `-`).
                let byte = name[offset], lower = wanted[offset]
                if byte != lower && (byte | 0x20 != lower || lower == UInt8(ascii: "-")) { return false }
            }
            return true
        }
        switch name.count {
        case 4: if matches("host") { return ("host", .host) }
        case 6:
            if matches("accept") { return ("accept", nil) }
            if matches("expect") { return ("expect", .expect) }
        case 10:
            if matches("user-agent") { return ("user-agent", nil) }
            if matches("connection") { return ("connection", .connection) }
        case 12: if matches("content-type") { return ("content-type", nil) }
        case 14: if matches("content-length") { return ("content-length", .contentLength) }
        case 15: if matches("accept-encoding") { return ("accept-encoding", nil) }
        case 17: if matches("transfer-encoding") { return ("transfer-encoding", .transferEncoding) }
        default: break
        }
        return nil
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
    private static func splitLines(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(16)
        guard let base = bytes.baseAddress else { return lines }
        let first = UnsafeRawPointer(base)
        var start = 0
        while start < bytes.count {
            let lineFeed = memchr(base + start, 0x0A, bytes.count - start).map { first.distance(to: $0) } ?? bytes.count
            var end = lineFeed
            if lineFeed < bytes.count && end > start && base[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if memchr(base + start, 0x0D, end - start) != nil {
                throw HTTP1ParseError(lines.isEmpty ? .malformedRequestLine : .malformedHeader, "bare CR in request head")
            }
            if !lines.isEmpty, end > start, base[start] == UInt8(ascii: " ") || base[start] == UInt8(ascii: "\t") {
                throw HTTP1ParseError(.malformedHeader, "obsolete line folding")
            }
            lines.append(start..<end)
            start = lineFeed + 1
        }
        return lines
    }

    private static func parseRequestLine(_ line: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError)
        -> (String, UnsafeBufferPointer<UInt8>, Int)
    {
        let malformed = HTTP1ParseError(.malformedRequestLine, "expected METHOD SP target SP HTTP-version")
        func space(after start: Int) -> Int? {
            guard start < line.count, let found = memchr(line.baseAddress! + start, 0x20, line.count - start) else { return nil }
            return UnsafeRawPointer(line.baseAddress!).distance(to: found)
        }
        guard let firstSpace = space(after: 0), let secondSpace = space(after: firstSpace + 1) else { throw malformed }
        let method = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let target = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        let version = UnsafeBufferPointer(rebasing: line[(secondSpace + 1)...])
        guard !method.isEmpty, method.allSatisfy(isTokenByte), !target.isEmpty,
              target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }), space(after: secondSpace + 1) == nil
        else { throw malformed }
        guard version.count == 8, ASCII.equals(UnsafeBufferPointer(rebasing: version[..<5]), "HTTP/"), isDigit(version[5]),
              version[6] == UInt8(ascii: "."), isDigit(version[7])
        else {
            throw HTTP1ParseError(.malformedRequestLine, "malformed HTTP version")
        }
        guard version[5] == UInt8(ascii: "1"), version[7] <= UInt8(ascii: "1") else {
            throw HTTP1ParseError(.unsupportedVersion, "HTTP version \(String(decoding: version, as: UTF8.self)) not supported")
        }
        return (methodString(method), target, Int(version[7] - UInt8(ascii: "0")))
    }

    /// A field value as a `String`; the media type every admission request gives as a literal (longer than a
    /// small string: built, it would be allocated and freed per request).
    private static func valueString(_ value: UnsafeBufferPointer<UInt8>) -> String {
        ASCII.equals(value, "application/json") ? "application/json" : String(decoding: value, as: UTF8.self)
    }

    /// The common methods as literals (no `String` built per request); others as sent.
    private static func methodString(_ method: UnsafeBufferPointer<UInt8>) -> String {
        if ASCII.equals(method, "POST") { return "POST" }
        if ASCII.equals(method, "GET") { return "GET" }
        return String(decoding: method, as: UTF8.self)
    }

    /// Origin form (`/p?q`), asterisk form for OPTIONS, and absolute form (`http://host/p?q`).
    private static func splitTarget(_ target: UnsafeBufferPointer<UInt8>, method: String) throws(HTTP1ParseError) -> (String, String) {
        if target.count == 1 && target.first == UInt8(ascii: "*") {
            guard method == "OPTIONS" else { throw HTTP1ParseError(.malformedRequestLine, "* target outside OPTIONS") }
            return ("*", "")
        }
        var pathAndQuery = target[...]
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

    private static func startsWithIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        bytes.count >= lowercase.utf8CodeUnitCount
            && ASCII.equalsIgnoringCase(bytes.prefix(lowercase.utf8CodeUnitCount), lowercase)
    }

    /// `name: value` with a token name, no space before the colon, and no control characters but HTAB in the
    /// value; returns the name and the value without surrounding whitespace.
    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTP1ParseError) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        let parts = try line.withUnsafeBufferPointer { bytes in
            Result { () throws(HTTP1ParseError) in try fieldParts(bytes) }
        }.get()
        let start = line.startIndex
        return (line[(start + parts.name.lowerBound)..<(start + parts.name.upperBound)],
                line[(start + parts.value.lowerBound)..<(start + parts.value.upperBound)])
    }

    /// `parseField` on the line's memory: the offsets of the name and of the trimmed value, and the name when
    /// it is a known one. The checks and their order are those of the field grammar: the name (all token
    /// bytes up to the first colon), then the value.
    private static func fieldParts(_ line: UnsafeBufferPointer<UInt8>) throws(HTTP1ParseError)
        -> (name: Range<Int>, value: Range<Int>, known: (lowercased: String, framing: FramingField?)?)
    {
        guard let base = line.baseAddress,
              let found = memchr(base, Int32(UInt8(ascii: ":")), line.count)
        else { throw HTTP1ParseError(.malformedHeader, "header line without colon") }
        let colon = UnsafeRawPointer(base).distance(to: found)
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        // A known name is made of token bytes (see `knownName`): only other names are checked byte by byte.
        let known = knownName(name)
        guard colon > 0, known != nil || name.allSatisfy(isTokenByte) else {
            throw HTTP1ParseError(.malformedHeader, "invalid header name")
        }
        let value = ASCII.trimmed(line[(colon + 1)...])
        guard isFieldValue(UnsafeBufferPointer(rebasing: value)) else {
            throw HTTP1ParseError(.malformedHeader, "control character in header value")
        }
        return (0..<colon, value.startIndex..<value.endIndex, known)
    }

    /// RFC 9110 field-value bytes: no control character but HTAB, and no DEL (requests read and responses
    /// written alike). Eight bytes at a time, each word with such a byte (or a tab) then looked at byte by byte.
    static func isFieldValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        func isValueByte(_ byte: UInt8) -> Bool { (byte >= 0x20 || byte == UInt8(ascii: "\t")) && byte != 0x7F }
        let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
            let delete = word ^ (ones &* 0x7F)
            // "Has a byte below 0x20 / a zero byte": the lowest such byte is always marked, higher ones may
            // be marked wrongly (borrows), so a marked word is decided by its bytes.
            let marked = (((word &- ones &* 0x20) & ~word) | ((delete &- ones) & ~delete)) & highBits
            if marked != 0 {
                for index in offset..<(offset + 8) where !isValueByte(base[index]) { return false }
            }
            offset += 8
        }
        while offset < bytes.count {
            if !isValueByte(base[offset]) { return false }
            offset += 1
        }
        return true
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

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``, as a bit set over the 128 ASCII bytes.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        let below64: UInt64 = 0x03FF_6CFA_0000_0000, from64: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        let set = byte < 64 ? below64 : byte < 128 ? from64 : 0
        return (set >> UInt64(byte & 63)) & 1 != 0
    }

    /// A token (ASCII) as a lower-case `String`, built once.
    private static func lowercasedString(_ token: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: token.count) { buffer in
            for offset in 0..<token.count {
                let byte = token[offset]
                buffer[offset] = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            }
            return token.count
        }
    }
}
