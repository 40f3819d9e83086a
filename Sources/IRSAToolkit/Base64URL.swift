import COpenSSL

/// Unpadded base64url (RFC 7515 section 2), the encoding of JWK members and `kid`s.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "" }
        var encoded = [UInt8](repeating: 0, count: 4 * ((bytes.count + 2) / 3) + 1)
        let length = bytes.withUnsafeBufferPointer { input in
            encoded.withUnsafeMutableBufferPointer { output in
                EVP_EncodeBlock(output.baseAddress, input.baseAddress, Int32(input.count))
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(Int(length))
        for byte in encoded.prefix(Int(length)) {
            switch byte {
            case UInt8(ascii: "+"): result.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): result.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
