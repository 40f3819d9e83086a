@testable import JSONCore
import Testing

/// `JSONByteWriter.string` writes a string that needs no escape in one copy and escapes the others: its bytes
/// must be those of the serializer's escaping (`JSON.serializeToString`) for every length around the scan's
/// vectors and words, with the byte that needs an escape at the start, inside or at the end.
@Suite("JSONByteWriter.string: the same escaping as the serializer")
struct JSONByteWriterStringTests {
    static let escapedBytes: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F]

    @Test(arguments: 0...40)
    func plainAndEscapedStringsOfEveryLength(_ length: Int) {
        let plain = String(repeating: "a", count: length)
        #expect(Self.written(plain) == JSON.serializeToString(.string(plain)))
        for offset in [0, length / 2, length - 1] where offset >= 0 && offset < length {
            for special in Self.escapedBytes {
                var bytes = Array(plain.utf8)
                bytes[offset] = special
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(Self.written(text) == JSON.serializeToString(.string(text)), "byte \(special) at \(offset) of \(length)")
            }
        }
    }

    @Test(arguments: ["caf\u{E9}", "\u{1F600} emoji", "role/\u{7F}del", "arn:aws:iam::111122223333:role/a-role-name-of-some-length"])
    func utf8AndDeletePassThrough(_ text: String) {
        #expect(Self.written(text) == "\"\(text)\"")
    }

    static func written(_ text: String) -> String {
        var writer = JSONByteWriter()
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
