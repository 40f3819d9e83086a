/// Standard base64 (RFC 4648, padded): AdmissionReview carries its patch this way.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Appends the encoding as ASCII bytes (e.g. straight into a JSON string being written).
    public static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        let length = (bytes.count + 2) / 3 * 4
        output.append(contentsOf: [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            count = encode(bytes, into: buffer)
        })
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        let length = (bytes.count + 2) / 3 * 4
        if length == 0 { return "" }
        return String(unsafeUninitializedCapacity: length) { encode(bytes, into: $0) }
    }

    /// Writes exactly `(bytes.count + 2) / 3 * 4` bytes into `output`; returns that count.
    private static func encode(_ bytes: [UInt8], into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let length = (bytes.count + 2) / 3 * 4
        return bytes.withUnsafeBufferPointer { input in
            alphabet.withUnsafeBufferPointer { table in
                var inIndex = 0, outIndex = 0
                while inIndex + 3 <= input.count {
                    let chunk = UInt32(input[inIndex]) << 16 | UInt32(input[inIndex + 1]) << 8 | UInt32(input[inIndex + 2])
                    output[outIndex] = table[Int(chunk >> 18 & 63)]
                    output[outIndex + 1] = table[Int(chunk >> 12 & 63)]
                    output[outIndex + 2] = table[Int(chunk >> 6 & 63)]
                    output[outIndex + 3] = table[Int(chunk & 63)]
                    inIndex += 3
                    outIndex += 4
                }
                let remaining = input.count - inIndex
                if remaining > 0 {
                    var chunk = UInt32(input[inIndex]) << 16
                    if remaining == 2 { chunk |= UInt32(input[inIndex + 1]) << 8 }
                    output[outIndex] = table[Int(chunk >> 18 & 63)]
                    output[outIndex + 1] = table[Int(chunk >> 12 & 63)]
                    output[outIndex + 2] = remaining == 2 ? table[Int(chunk >> 6 & 63)] : UInt8(ascii: "=")
                    output[outIndex + 3] = UInt8(ascii: "=")
                }
                return length
            }
        }
    }

    /// Decodes padded standard base64; nil on any invalid character or length.
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            var chunk: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                let value: UInt32
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                case UInt8(ascii: "=") where index + 4 == input.count && offset >= 2:
                    padding += 1
                    value = 0
                default: return nil
                }
                if padding > 0 && byte != UInt8(ascii: "=") { return nil }
                chunk = chunk << 6 | value
            }
            output.append(UInt8(chunk >> 16 & 0xFF))
            if padding < 2 { output.append(UInt8(chunk >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(chunk & 0xFF)) }
            index += 4
        }
        return output
    }
}
