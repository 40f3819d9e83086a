/// Standard base64 (RFC 4648, padded): AdmissionReview carries its patch this way.
public enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Every pair of output characters, indexed by the 12 bits they encode: one lookup per two characters.
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }

    public static func encodedLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Appends the encoding as ASCII bytes.
    public static func encode(_ bytes: [UInt8], into output: inout [UInt8]) {
        let length = encodedLength(bytes.count)
        output.append(contentsOf: [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            bytes.withUnsafeBufferPointer { encode($0, into: buffer) }
            count = length
        })
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        let length = encodedLength(bytes.count)
        if length == 0 { return "" }
        return String(unsafeUninitializedCapacity: length) { buffer in
            bytes.withUnsafeBufferPointer { encode($0, into: buffer) }
            return length
        }
    }

    /// Writes exactly `encodedLength(input.count)` bytes at the start of `output`.
    public static func encode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(output.count >= encodedLength(input.count), "base64 output buffer too small")
        guard let source = input.baseAddress, let target = output.baseAddress else { return }
        pairs.withUnsafeBufferPointer { pairs in
            let raw = UnsafeMutableRawPointer(target)
            var inIndex = 0, outIndex = 0
            // Six bytes in, eight characters out per step: one load, four lookups, four stores (two steps per
            // turn while twelve more bytes can be loaded). Indices stay far below Int.max: wrapping arithmetic
            // spares the overflow checks.
            @inline(__always) func step(_ inIndex: Int, _ outIndex: Int) {
                let word = UnsafeRawPointer(source + inIndex).loadUnaligned(as: UInt64.self).bigEndian
                raw.storeBytes(of: pairs[Int(truncatingIfNeeded: word &>> 52)], toByteOffset: outIndex, as: UInt16.self)
                raw.storeBytes(of: pairs[Int(truncatingIfNeeded: word &>> 40) & 0xFFF], toByteOffset: outIndex &+ 2, as: UInt16.self)
                raw.storeBytes(of: pairs[Int(truncatingIfNeeded: word &>> 28) & 0xFFF], toByteOffset: outIndex &+ 4, as: UInt16.self)
                raw.storeBytes(of: pairs[Int(truncatingIfNeeded: word &>> 16) & 0xFFF], toByteOffset: outIndex &+ 6, as: UInt16.self)
            }
            while inIndex &+ 14 <= input.count {
                step(inIndex, outIndex)
                step(inIndex &+ 6, outIndex &+ 8)
                inIndex &+= 12
                outIndex &+= 16
            }
            while inIndex &+ 8 <= input.count {
                step(inIndex, outIndex)
                inIndex &+= 6
                outIndex &+= 8
            }
            while inIndex + 3 <= input.count {
                let chunk = Int(source[inIndex]) << 16 | Int(source[inIndex + 1]) << 8 | Int(source[inIndex + 2])
                raw.storeBytes(of: pairs[chunk >> 12], toByteOffset: outIndex, as: UInt16.self)
                raw.storeBytes(of: pairs[chunk & 0xFFF], toByteOffset: outIndex + 2, as: UInt16.self)
                inIndex += 3
                outIndex += 4
            }
            let remaining = input.count - inIndex
            if remaining > 0 {
                var chunk = Int(source[inIndex]) << 16
                if remaining == 2 { chunk |= Int(source[inIndex + 1]) << 8 }
                alphabet.withUnsafeBufferPointer { table in
                    target[outIndex] = table[chunk >> 18 & 63]
                    target[outIndex + 1] = table[chunk >> 12 & 63]
                    target[outIndex + 2] = remaining == 2 ? table[chunk >> 6 & 63] : UInt8(ascii: "=")
                    target[outIndex + 3] = UInt8(ascii: "=")
                }
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
