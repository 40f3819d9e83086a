/// Watches the client's HTTP/2 frame headers before nghttp2 sees the bytes, and counts what the abuse
/// limits need: RST_STREAM per second (rapid reset), SETTINGS/PING/PRIORITY/empty DATA per second
/// (control floods), and CONTINUATION frames per header block. nghttp2 1.52 has no such limits itself.
/// Pure: the caller passes the time.
struct HTTP2FrameMeter {
    enum Verdict: Equatable {
        case ok
        case rapidReset
        case controlFrameFlood
        case continuationFlood
    }

    static let prefaceLength = 24
    static let frameHeaderLength = 9

    let maxResetsPerSecond: Int
    let maxControlFramesPerSecond: Int
    let maxContinuationFrames: Int

    private var prefaceRemaining = prefaceLength
    private var header: [UInt8] = []
    private var payloadRemaining = 0
    private var continuationFrames = 0
    private var windowStart: UInt64 = 0
    private var resets = 0
    private var controlFrames = 0

    init(maxResetsPerSecond: Int, maxControlFramesPerSecond: Int, maxContinuationFrames: Int) {
        self.maxResetsPerSecond = maxResetsPerSecond
        self.maxControlFramesPerSecond = maxControlFramesPerSecond
        self.maxContinuationFrames = maxContinuationFrames
        header.reserveCapacity(Self.frameHeaderLength)
    }

    mutating func inspect(_ bytes: UnsafeBufferPointer<UInt8>, now: UInt64) -> Verdict {
        if now &- windowStart >= 1_000_000_000 {
            windowStart = now
            resets = 0
            controlFrames = 0
        }
        var index = 0
        let skip = min(prefaceRemaining, bytes.count)
        prefaceRemaining -= skip
        index += skip
        while index < bytes.count {
            if payloadRemaining > 0 {
                let take = min(payloadRemaining, bytes.count - index)
                payloadRemaining -= take
                index += take
                continue
            }
            let take = min(Self.frameHeaderLength - header.count, bytes.count - index)
            header.append(contentsOf: bytes[index..<index + take])
            index += take
            if header.count == Self.frameHeaderLength {
                let verdict = frameStarted()
                header.removeAll(keepingCapacity: true)
                if verdict != .ok { return verdict }
            }
        }
        return .ok
    }

    private mutating func frameStarted() -> Verdict {
        let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
        let type = header[3]
        let flags = header[4]
        payloadRemaining = length
        let endStream: UInt8 = 0x1
        let endHeaders: UInt8 = 0x4
        switch type {
        case 0x0 where length == 0 && flags & endStream == 0, 0x2, 0x4, 0x6:  // empty DATA, PRIORITY, SETTINGS, PING
            controlFrames += 1
            if controlFrames > maxControlFramesPerSecond { return .controlFrameFlood }
        case 0x1:  // HEADERS
            continuationFrames = 0
        case 0x3:  // RST_STREAM
            resets += 1
            if resets > maxResetsPerSecond { return .rapidReset }
        case 0x9:  // CONTINUATION
            continuationFrames += 1
            if continuationFrames > maxContinuationFrames { return .continuationFlood }
            if flags & endHeaders != 0 { continuationFrames = 0 }
        default:
            break
        }
        return .ok
    }
}
