/// Splits a byte stream into newline-terminated lines (watch events are one JSON document per line),
/// keeping a partial line until its end arrives, and refusing lines longer than a limit.
struct LineSplitter {
    let maximumLineLength: Int
    private var partial: [UInt8] = []

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    mutating func feed(_ bytes: [UInt8], onLine: ([UInt8]) throws(KubernetesAPIError) -> Void) throws(KubernetesAPIError) {
        var start = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            partial.append(contentsOf: bytes[start..<index])
            start = index + 1
            let line = partial
            partial.removeAll(keepingCapacity: true)
            if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) { try onLine(line) }
        }
        partial.append(contentsOf: bytes[start...])
        guard partial.count <= maximumLineLength else {
            throw .malformedResponse("watch event longer than \(maximumLineLength) bytes")
        }
    }

    /// What is left when the stream ends: a last event without a trailing newline.
    mutating func finish(onLine: ([UInt8]) throws(KubernetesAPIError) -> Void) throws(KubernetesAPIError) {
        let line = partial
        partial.removeAll()
        if line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) { try onLine(line) }
    }
}
