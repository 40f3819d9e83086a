import Testing
@testable import HTTPServer

@Suite struct HTTP2ClientStreamIDsTests {
    /// Feeds the HEADERS frames' stream ids in order; the verdict of the last.
    private func verdict(after ids: [Int32]) -> HTTP2ClientStreamIDs.Verdict {
        var tracker = HTTP2ClientStreamIDs()
        var last = HTTP2ClientStreamIDs.Verdict.ok
        for id in ids { last = tracker.headersFrame(streamID: id) }
        return last
    }

    @Test(arguments: [
        [1, 3, 5],  // counting up by two
        [1, 7],  // skipping forward is allowed
        [1, 3, 1],  // trailers (or a late frame) on a stream opened before
        [5, 7, 5],
        [7, 9, 13, 9],
    ] as [[Int32]])
    func openedOrNewIdentifierIsAccepted(ids: [Int32]) {
        #expect(verdict(after: ids) == .ok)
    }

    @Test(arguments: [
        [5, 3],  // RFC 9113 5.1.1: lower than one already opened, never used
        [5, 1],
        [1, 7, 3],
        [1, 7, 5],
        [1, 7, 9, 13, 11],
    ] as [[Int32]])
    func skippedIdentifierBelowTheHighestIsAProtocolError(ids: [Int32]) {
        #expect(verdict(after: ids) == .neverOpenedBelowHighest)
    }

    @Test func serverAndConnectionIdentifiersAreLeftToNghttp2() {
        #expect(verdict(after: [7, 0]) == .ok)
        #expect(verdict(after: [7, 2]) == .ok)
    }

    @Test func onlyTheMostRecentSkippedRunsAreRemembered() {
        var tracker = HTTP2ClientStreamIDs()
        // Each id skips the one before it: one run per frame.
        let ids = (1...(HTTP2ClientStreamIDs.maxSkippedRuns + 1)).map { Int32(4 * $0 - 1) }
        for id in ids { #expect(tracker.headersFrame(streamID: id) == .ok) }
        #expect(tracker.headersFrame(streamID: ids.last! - 2) == .neverOpenedBelowHighest)
        #expect(tracker.headersFrame(streamID: 1) == .ok)  // the oldest run, forgotten
    }
}
