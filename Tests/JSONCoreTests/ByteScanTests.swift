@testable import JSONCore
import Testing

/// `ByteScan` tests eight bytes at a time with borrow tricks, or sixteen with SIMD compares: every byte value, at
/// every position of a word or vector and in the tails after them, alone and followed by another special byte (a
/// borrow must never hide or invent the first one).
@Suite("ByteScan: the first byte a string scanner must look at")
struct ByteScanTests {
    enum Scan: Sendable, CustomTestStringConvertible {
        case words(stopAtNonASCII: Bool), vectors(stopAtNonASCII: Bool)

        static let all: [Scan] = [.words(stopAtNonASCII: false), .words(stopAtNonASCII: true),
                                  .vectors(stopAtNonASCII: false), .vectors(stopAtNonASCII: true)]

        var testDescription: String { "\(self)" }

        var stopAtNonASCII: Bool {
            switch self { case .words(let stop), .vectors(let stop): stop }
        }

        func firstSpecialByte(_ bytes: [UInt8]) -> Int {
            bytes.withUnsafeBufferPointer { buffer in
                switch self {
                case .words: ByteScan.firstSpecialByte(in: buffer, from: 0, stopAtNonASCII: stopAtNonASCII)
                case .vectors:
                    ByteScan.firstSpecialByteWide(base: buffer.baseAddress!, count: buffer.count, from: 0, stopAtNonASCII: stopAtNonASCII)
                }
            }
        }
    }

    static func isSpecial(_ byte: UInt8, stopAtNonASCII: Bool) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (stopAtNonASCII && byte >= 0x80)
    }

    /// 39 bytes: two vectors, a word and a byte-by-byte tail of seven.
    @Test(arguments: Scan.all, 0..<38)
    func everyByteValueIsClassifiedAtEveryOffset(_ scan: Scan, _ offset: Int) {
        for value in 0...255 {
            for follower: UInt8 in [UInt8(ascii: "a"), 0x00, 0xFF] {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 39)
                bytes[offset] = UInt8(value)
                bytes[offset + 1] = follower
                let expected = bytes.firstIndex { Self.isSpecial($0, stopAtNonASCII: scan.stopAtNonASCII) } ?? bytes.count
                #expect(scan.firstSpecialByte(bytes) == expected, "byte \(value) at \(offset), then \(follower)")
            }
        }
    }
}

/// `hasSpecialByte` (the writers' check) reads vectors, then at most two words, the last overlapping: every byte
/// value at every offset of strings of every length from 0 to 40, with a special byte or none after it.
@Suite("ByteScan.hasSpecialByte: whether a string needs an escape")
struct ByteScanHasSpecialByteTests {
    @Test(arguments: 0...40)
    func everyByteValueAtEveryOffsetOfEveryLength(_ length: Int) {
        #expect(Self.hasSpecialByte([UInt8](repeating: UInt8(ascii: "a"), count: length)) == false)
        for offset in 0..<length {
            for value in 0...255 {
                for follower: UInt8 in [UInt8(ascii: "a"), 0x00, 0xFF] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[offset] = UInt8(value)
                    if offset + 1 < length { bytes[offset + 1] = follower }
                    let expected = bytes.contains { ByteScanTests.isSpecial($0, stopAtNonASCII: false) }
                    #expect(Self.hasSpecialByte(bytes) == expected, "byte \(value) at \(offset) of \(length), then \(follower)")
                }
            }
        }
    }

    static func hasSpecialByte(_ bytes: [UInt8]) -> Bool {
        // A copy of exactly `count` bytes: a read past the end would show under the address sanitizer.
        bytes.withUnsafeBufferPointer { ByteScan.hasSpecialByte(base: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count) }
    }
}
