/// Splits a byte stream into newline-terminated lines (watch events are one JSON document per line),
/// keeping a partial line until its end arrives, skipping blank lines, and refusing lines longer than a limit.
struct LineSplitter {
    let maximumLineLength: Int
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`; the consumed prefix is dropped when more bytes arrive.
    private var start = 0
    /// Where to resume the search for a newline.
    private var scanned = 0

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    mutating func append(_ bytes: [UInt8]) {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line (without its newline), nil when none is complete yet.
    mutating func nextLine() throws(HTTPFramingError) -> [UInt8]? {
        while let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            guard newline - start <= maximumLineLength else { throw tooLong }
            let line = Array(buffer[start..<newline])
            start = newline + 1
            scanned = start
            if Self.isContent(line) { return line }
        }
        scanned = buffer.count
        guard buffer.count - start <= maximumLineLength else { throw tooLong }
        return nil
    }

    private var tooLong: HTTPFramingError {
        HTTPFramingError(failure: .tooLarge("line longer than \(maximumLineLength) bytes"))
    }

    /// What is left when the stream ends: a last line without a trailing newline, if any.
    mutating func finish() -> [UInt8]? {
        let line = Array(buffer[start...])
        buffer.removeAll()
        start = 0
        scanned = 0
        return Self.isContent(line) ? line : nil
    }

    private static func isContent(_ line: [UInt8]) -> Bool {
        line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }
    }
}
