/// The status line and headers of an HTTP/1.1 response.
struct HTTPResponseHead {
    static let maximumSize = 64 << 10

    var status: Int
    var headers: [(name: String, value: String)]

    func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    /// Parses the head (without the blank line that ends it).
    init(parsing bytes: ArraySlice<UInt8>) throws(KubernetesAPIError) {
        // Split on LF bytes, not on Characters: in a Swift String "\r\n" is one Character.
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
        guard !lines.isEmpty else { throw .malformedResponse("empty response head") }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status) else {
            throw .malformedResponse("invalid status line \"\(statusLine.prefix(80))\"")
        }
        self.status = status
        headers = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw .malformedResponse("invalid header line \"\(line.prefix(80))\"")
            }
            headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingWhitespace()))
        }
    }
}
