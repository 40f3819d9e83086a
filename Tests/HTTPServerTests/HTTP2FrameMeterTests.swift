import Testing
@testable import HTTPServer

@Suite struct HTTP2FrameMeterTests {
    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private func frame(_ type: UInt8, flags: UInt8 = 0, stream: UInt32 = 1, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }

    private func meter() -> HTTP2FrameMeter {
        HTTP2FrameMeter(maxResetsPerSecond: 3, maxControlFramesPerSecond: 3, maxContinuationFrames: 2)
    }

    /// Feeds `bytes` one byte at a time; returns the first verdict that is not `.ok`.
    private func feedByteByByte(_ meter: inout HTTP2FrameMeter, _ bytes: [UInt8], now: UInt64 = 0) -> HTTP2FrameMeter.Verdict {
        for byte in bytes {
            let verdict = [byte].withUnsafeBufferPointer { meter.inspect($0, now: now) }
            if verdict != .ok { return verdict }
        }
        return .ok
    }

    @Test func resetsAboveTheRateAreRapidResetEvenSplitAcrossReads() {
        var m = meter()
        let resets = (0..<3).flatMap { _ in frame(0x3, payload: [0, 0, 0, 8]) }
        #expect(feedByteByByte(&m, Self.preface + resets) == .ok)
        #expect(feedByteByByte(&m, frame(0x3, payload: [0, 0, 0, 8])) == .rapidReset)
    }

    @Test func theRateWindowRestartsEverySecond() {
        var m = meter()
        let resets = (0..<3).flatMap { _ in frame(0x3, payload: [0, 0, 0, 8]) }
        #expect(feedByteByByte(&m, Self.preface + resets, now: 1) == .ok)
        #expect(feedByteByByte(&m, resets, now: 1_500_000_000) == .ok)
    }

    @Test func pingSettingsPriorityAndEmptyDataCountAsControlFrames() {
        var m = meter()
        let control = frame(0x6, stream: 0, payload: [UInt8](repeating: 0, count: 8)) + frame(0x4, stream: 0)
            + frame(0x0)  // empty DATA without END_STREAM
        #expect(feedByteByByte(&m, Self.preface + control) == .ok)
        #expect(feedByteByByte(&m, frame(0x2, payload: [0, 0, 0, 0, 16])) == .controlFrameFlood)
        // DATA with a payload, or ending the stream, is not a control frame.
        var other = meter()
        #expect(feedByteByByte(&other, Self.preface + (0..<10).flatMap { _ in frame(0x0, payload: [1]) + frame(0x0, flags: 1) }) == .ok)
    }

    @Test func continuationFramesAreCountedPerHeaderBlock() {
        var m = meter()
        let block = frame(0x1, payload: [0x82]) + frame(0x9) + frame(0x9, flags: 0x4)
        #expect(feedByteByByte(&m, Self.preface + block + block) == .ok)
        #expect(feedByteByByte(&m, frame(0x1, payload: [0x82]) + frame(0x9) + frame(0x9) + frame(0x9)) == .continuationFlood)
    }

    @Test func payloadBytesAreNotMistakenForFrameHeaders() {
        var m = meter()
        // A DATA payload that looks like RST_STREAM frames must be skipped.
        let fake = (0..<10).flatMap { _ in frame(0x3, payload: [0, 0, 0, 8]) }
        #expect(feedByteByByte(&m, Self.preface + frame(0x0, flags: 1, payload: fake)) == .ok)
    }
}
