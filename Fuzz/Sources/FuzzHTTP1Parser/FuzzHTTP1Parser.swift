// HTTP1RequestParser on arbitrary bytes. The first byte picks a split size; the rest is the stream.
// Invariants: never crashes; no body exceeds the body limit; the events (requests and the first error) are the
// same whether the stream arrives at once or split into pieces, so no request boundary depends on TCP segmentation.
import HTTPServer

private let limits = HTTP1RequestParser.Limits(maxHeadBytes: 2048, maxBodyBytes: 16384)

/// Every event the parser produces for `pieces`, in order, ending at the first error.
private func events(_ pieces: [ArraySlice<UInt8>]) -> [String] {
    var parser = HTTP1RequestParser(limits: limits)
    var seen: [String] = []
    for piece in pieces {
        parser.append(piece)
        while true {
            do {
                guard let event = try parser.next() else { break }
                switch event {
                case .continueExpected:
                    seen.append("100-continue")
                case .request(let parsed):
                    let request = parsed.request
                    guard request.body.count <= limits.maxBodyBytes else {
                        fatalError("body of \(request.body.count) bytes exceeds the \(limits.maxBodyBytes) limit")
                    }
                    let headers = request.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
                    seen.append("\(request.method) \(request.path)?\(request.query) 1.\(parsed.minorVersion) "
                        + "keepAlive=\(parsed.keepAlive) [\(headers)] body=\(request.body)")
                }
            } catch {
                seen.append("error \(error.kind)")
                return seen
            }
        }
    }
    return seen
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1Parser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let pieceSize = Int(data[0] % 64) + 1
    let stream = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let whole = events([stream[...]])
    let split = events(stride(from: 0, to: stream.count, by: pieceSize).map {
        stream[$0..<min($0 + pieceSize, stream.count)]
    })
    guard whole == split else {
        fatalError("events depend on the split (\(pieceSize) bytes):\n whole: \(whole)\n split: \(split)")
    }
    return 0
}
