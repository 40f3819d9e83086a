/// Serializes responses for HTTP/1.x. The server owns framing and `date`: the fields `ServerResponseRules` names
/// are replaced, and fields that could split the response (CR/LF in a value, a non-token name) are dropped.
enum HTTP1ResponseEncoder {
    static func sendsBody(_ response: HTTPResponse, isHeadRequest: Bool) -> Bool {
        hasBody(status: response.status) && !isHeadRequest
    }

    private static func hasBody(status: Int) -> Bool {
        !(100...199).contains(status) && status != 204 && status != 304
    }

    /// The status line and fields, written into one temporary buffer on the stack and appended at once: this
    /// runs for every HTTP/1.1 response, and each `Array.append` costs more than the few bytes it copies.
    /// `date` is the event loop's cached IMF-fixdate.
    static func encodeHead(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, date: [UInt8],
                           into out: inout [UInt8]) {
        let reason = response.status == 200 ? "" : reasonPhrase(response.status)
        // Room for the longest head these fields make: the fixed text (status line, date, content-length and
        // connection lines, two 20-digit decimals) is under 128 bytes besides the reason and the date.
        var capacity = 128 + reason.utf8.count + date.count
        for (name, value) in response.headers { capacity += name.utf8.count + value.utf8.count + 4 }
        out.reserveCapacity(out.count + capacity + response.body.count)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var head = HeadWriter(base: buffer.baseAddress!)
            if response.status == 200 {  // nearly every answer: the status line is one constant
                head.write("HTTP/1.1 200 OK\r\ndate: ")
            } else {
                head.write("HTTP/1.1 ")
                head.writeDecimal(response.status)
                head.write(" ")
                var reason = reason
                reason.withUTF8 { head.write($0) }
                head.write("\r\ndate: ")
            }
            date.withUnsafeBufferPointer { head.write($0) }
            head.write("\r\n")
            for (name, value) in response.headers where !ServerResponseRules.isServerOwned(name) {
                var name = name, value = value
                name.withUTF8 { name in
                    value.withUTF8 { value in
                        guard ServerResponseRules.isSafeField(name: name, value: value) else { return }
                        head.write(name)
                        head.write(": ")
                        head.write(value)
                        head.write("\r\n")
                    }
                }
            }
            if hasBody(status: response.status) {
                head.write("content-length: ")
                head.writeDecimal(response.body.count)
                head.write("\r\n")
            }
            if !keepAlive {
                head.write("connection: close\r\n")
            } else if minorVersion == 0 {
                head.write("connection: keep-alive\r\n")
            }
            head.write("\r\n")
            out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: head.count))
        }
    }

    /// Bytes copied one after the other into memory the caller sized.
    private struct HeadWriter {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        mutating func write(_ literal: StaticString) {
            write(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        /// A non-negative integer's decimal digits (at most 20).
        mutating func writeDecimal(_ value: Int) {
            ASCII.withDecimal(value) { write($0) }
        }
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 417: return "Expectation Failed"
        case 422: return "Unprocessable Content"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
