/// Incremental decoder of HTTP/1.1 `Transfer-Encoding: chunked` bodies: feed whatever bytes arrived,
/// get the payload bytes out; chunk boundaries may fall anywhere, including inside a size line.
struct ChunkedDecoder {
    private enum State {
        case sizeLine
        case data(remaining: Int)
        case dataTerminator
        case trailers
        case done
    }

    static let maximumLineLength = 4096
    private var state = State.sizeLine
    private var line: [UInt8] = []

    var isFinished: Bool { if case .done = state { return true }; return false }

    /// Appends decoded payload to `output`; returns how many input bytes were consumed (less than the input
    /// only once the final chunk and trailers are complete).
    mutating func decode(_ input: ArraySlice<UInt8>, into output: inout [UInt8]) throws(HTTPFramingError) -> Int {
        var index = input.startIndex
        while index < input.endIndex {
            switch state {
            case .done:
                return index - input.startIndex
            case .data(let remaining):
                let take = min(remaining, input.endIndex - index)
                output.append(contentsOf: input[index..<(index + take)])
                index += take
                state = remaining == take ? .dataTerminator : .data(remaining: remaining - take)
            case .sizeLine, .dataTerminator, .trailers:
                let byte = input[index]
                index += 1
                if byte != UInt8(ascii: "\n") {
                    line.append(byte)
                    guard line.count <= Self.maximumLineLength else {
                        throw HTTPFramingError(failure: .malformedResponse("chunked encoding: line longer than \(Self.maximumLineLength) bytes"))
                    }
                    continue
                }
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                defer { line.removeAll(keepingCapacity: true) }
                try finishLine()
            }
        }
        return index - input.startIndex
    }

    private mutating func finishLine() throws(HTTPFramingError) {
        switch state {
        case .sizeLine:
            let digits = line.prefix { $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard !digits.isEmpty, digits.count <= 15,
                  let size = Int(String(decoding: digits, as: UTF8.self), radix: 16), size >= 0
            else {
                throw HTTPFramingError(failure: .malformedResponse("chunked encoding: invalid chunk size \"\(String(decoding: line.prefix(32), as: UTF8.self))\""))
            }
            state = size == 0 ? .trailers : .data(remaining: size)
        case .dataTerminator:
            guard line.isEmpty else { throw HTTPFramingError(failure: .malformedResponse("chunked encoding: chunk data longer than its size")) }
            state = .sizeLine
        case .trailers:
            if line.isEmpty { state = .done }
        case .data, .done:
            break
        }
    }
}
