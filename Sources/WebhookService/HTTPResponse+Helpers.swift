import HTTPServer
import JSONCore

extension HTTPResponse {
    static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, headers: HTTPHeaders([(name: "content-type", value: "text/plain; charset=utf-8")]),
                     body: Array(text.utf8))
    }

    /// Made once: every admission answer carries it.
    private static let jsonHeaders = HTTPHeaders([(name: "content-type", value: "application/json")])

    static func json(_ status: Int, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders, body: body)
    }

    /// `{"error": "..."}`: how the webhook tells a client what was wrong with its request.
    static func jsonError(_ status: Int, _ message: String) -> HTTPResponse {
        json(status, JSON.serialize(["error": .string(message)]))
    }

    static func methodNotAllowed(allow: String) -> HTTPResponse {
        var response = jsonError(405, "method not allowed, use \(allow)")
        response.headers.add(name: "allow", value: allow)
        return response
    }

    static func notFound(_ path: String) -> HTTPResponse {
        jsonError(404, "no such path: \(path)")
    }
}
