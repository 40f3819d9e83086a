/// Response rules both protocols share: the fields the server writes itself, which handler fields may be sent,
/// and the server's own plain-text answers (413, 431, 503, ...).
enum ServerResponseRules {
    /// Fields the server writes itself (framing, `date`) or must not forward (hop-by-hop; HTTP/2 forbids them).
    static func isServerOwned(_ name: String) -> Bool {
        switch name.utf8.count {  // most fields (content-type) are passed over here
        case 2, 4, 7, 10, 14, 16, 17: break
        default: return false
        }
        switch name {
        case "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "proxy-connection", "te",
             "trailer", "date":
            return true
        default:
            return false
        }
    }

    /// A token name and a value without CR, LF or other controls: nothing that could split the response.
    static func isSafeField(name: String, value: String) -> Bool {
        var name = name, value = value
        return name.withUTF8 { name in value.withUTF8 { value in isSafeField(name: name, value: value) } }
    }

    /// The same on UTF-8 bytes, for a writer that holds them already.
    static func isSafeField(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Bool {
        !name.isEmpty && name.allSatisfy(HTTP1RequestParser.isTokenByte) && HTTP1RequestParser.isFieldValue(value)
    }

    /// A plain-text answer for requests refused by the server itself.
    static func errorResponse(status: Int, message: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([("content-type", "text/plain; charset=utf-8")]),
                     body: Array((message + "\n").utf8))
    }
}
