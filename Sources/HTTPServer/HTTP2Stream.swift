/// One HTTP/2 request/response exchange, as the server tracks it beside nghttp2's own stream state.
final class HTTP2Stream {
    let id: Int32
    let startedAt: UInt64
    var method = ""
    var path = ""
    var authority: String?
    var headers = HTTPHeaders()
    /// Decoded header list size so far, counted as SETTINGS_MAX_HEADER_LIST_SIZE counts (name + value + 32).
    var headerListBytes = 0
    var headersTooLarge = false
    var body: [UInt8] = []
    /// The request was answered by the server itself (413, 431) or refused; further data is discarded.
    var rejected = false
    var handedToHandler = false
    var response: [UInt8] = []
    var responseOffset = 0
    var responseSubmitted = false
    var lastResponseProgress: UInt64 = 0

    init(id: Int32, startedAt: UInt64) {
        self.id = id
        self.startedAt = startedAt
    }

    var hasUnsentResponseBody: Bool { responseSubmitted && responseOffset < response.count }
}
