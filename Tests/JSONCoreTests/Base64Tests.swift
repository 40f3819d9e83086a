import Testing
@testable import JSONCore

/// The table-driven encoder (two six-byte steps per turn, then single steps, then three bytes at a time, then
/// the padded tail) against the definition, bit by bit, at every length around those boundaries.
struct Base64Tests {
    private static func reference(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var bits = bytes.flatMap { byte in (0..<8).reversed().map { (byte >> $0) & 1 } }
        while bits.count % 6 != 0 { bits.append(0) }
        let text = String(stride(from: 0, to: bits.count, by: 6).map { start in
            alphabet[bits[start..<start + 6].reduce(0) { Int($0) << 1 | Int($1) }]
        })
        return text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    @Test(arguments: Array(0...40) + [255, 1000, 1001, 1002])
    func encodingFollowsTheDefinition(_ count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 29) }
        #expect(Base64.encode(bytes) == Self.reference(bytes))
    }
}
