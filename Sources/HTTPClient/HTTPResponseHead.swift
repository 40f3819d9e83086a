/// The status line and headers of an HTTP/1.1 response.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    /// The first value of a header, by case-insensitive name.
    public func value(of name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Parses the head (without the blank line that ends it).
    init(parsing bytes: ArraySlice<UInt8>) throws(HTTPFramingError) {
        func malformed(_ reason: String) -> HTTPFramingError { HTTPFramingError(failure: .malformedResponse(reason)) }
        // Split on LF bytes, not on Characters: in a Swift String "\r\n" is one Character.
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        guard !lines.isEmpty else { throw malformed("empty response head") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status) else {
            throw malformed("invalid status line \"\(statusLine.prefix(80))\"")
        }
        self.status = status
        headers = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw malformed("invalid header line \"\(line.prefix(80))\"")
            }
            headers.append((String(line[..<colon]), Self.trimmed(line[line.index(after: colon)...])))
        }
    }

    private static func trimmed(_ text: Substring) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(text[first...last])
    }
}
