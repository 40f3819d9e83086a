/// Serializes responses for HTTP/1.x. The server owns framing and `date`: the fields `ServerResponseRules` names
/// are replaced, and fields that could split the response (CR/LF in a value, a non-token name) are dropped.
enum HTTP1ResponseEncoder {
    static func sendsBody(_ response: HTTPResponse, isHeadRequest: Bool) -> Bool {
        hasBody(status: response.status) && !isHeadRequest
    }

    private static func hasBody(status: Int) -> Bool {
        !(100...199).contains(status) && status != 204 && status != 304
    }

    /// The status line and fields, built on bytes without intermediate strings: this runs for every
    /// HTTP/1.1 response. `date` is the event loop's cached IMF-fixdate.
    static func encodeHead(_ response: HTTPResponse, minorVersion: Int, keepAlive: Bool, date: [UInt8],
                           into out: inout [UInt8]) {
        out.reserveCapacity(out.count + 160 + response.body.count)
        if response.status == 200 {  // nearly every answer: the status line is one constant
            ASCII.append("HTTP/1.1 200 OK\r\ndate: ", to: &out)
        } else {
            ASCII.append("HTTP/1.1 ", to: &out)
            ASCII.appendDecimal(response.status, to: &out)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: reasonPhrase(response.status).utf8)
            ASCII.append("\r\ndate: ", to: &out)
        }
        out.append(contentsOf: date)
        ASCII.append("\r\n", to: &out)
        for (name, value) in response.headers
        where !ServerResponseRules.isServerOwned(name) && ServerResponseRules.isSafeField(name: name, value: value) {
            out.append(contentsOf: name.utf8)
            ASCII.append(": ", to: &out)
            out.append(contentsOf: value.utf8)
            ASCII.append("\r\n", to: &out)
        }
        if hasBody(status: response.status) {
            ASCII.append("content-length: ", to: &out)
            ASCII.appendDecimal(response.body.count, to: &out)
            ASCII.append("\r\n", to: &out)
        }
        if !keepAlive {
            ASCII.append("connection: close\r\n", to: &out)
        } else if minorVersion == 0 {
            ASCII.append("connection: keep-alive\r\n", to: &out)
        }
        ASCII.append("\r\n", to: &out)
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
