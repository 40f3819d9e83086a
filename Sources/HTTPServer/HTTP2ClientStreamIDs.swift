/// The stream identifiers a client has opened, for RFC 9113 §5.1.1: a new stream's identifier must exceed every
/// one the client opened before, and the identifiers it skipped are closed for good. nghttp2 1.52 silently ignores
/// a HEADERS frame on such a skipped identifier; the server makes it the connection error the RFC requires.
/// A HEADERS frame on an identifier the client did open (trailers, or frames racing our RST_STREAM) stays
/// nghttp2's business. Pure.
struct HTTP2ClientStreamIDs {
    enum Verdict: Equatable {
        /// A new stream, or one opened before.
        case ok
        /// An identifier below the highest opened that was never used: PROTOCOL_ERROR.
        case neverOpenedBelowHighest
    }

    /// The highest client stream identifier seen in a HEADERS frame (0: none yet).
    private(set) var highest: Int32 = 0
    /// Runs of identifiers the client skipped, oldest first. Real clients count up by two and never skip;
    /// a client skipping on purpose keeps only its most recent runs remembered (bounded memory).
    private var skipped: [ClosedRange<Int32>] = []

    static let maxSkippedRuns = 32

    /// For each HEADERS frame from the client, before nghttp2 processes it.
    mutating func headersFrame(streamID: Int32) -> Verdict {
        guard streamID > 0, streamID & 1 == 1 else { return .ok }  // stream 0 and even ids: nghttp2's errors
        if streamID > highest {
            if streamID > highest + 2 {
                if skipped.count == Self.maxSkippedRuns { skipped.removeFirst() }
                skipped.append((highest + 1)...(streamID - 2))
            }
            highest = streamID
            return .ok
        }
        return skipped.contains { $0.contains(streamID) } ? .neverOpenedBelowHighest : .ok
    }
}
