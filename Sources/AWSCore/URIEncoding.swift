/// RFC 3986 percent-encoding as SigV4 specifies it: every byte except the unreserved characters
/// (A-Z a-z 0-9 - _ . ~) becomes %XX with uppercase hex.
public enum URIEncoding {
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        encode(Array(text.utf8), keepingSlash: keepingSlash)
    }

    public static func encode(_ bytes: [UInt8], keepingSlash: Bool) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decoding without form semantics: `+` stays `+` (IAM returns policy documents
    /// RFC 3986-encoded, and a `+` in them is a literal plus). Nil when a `%` is not followed by two hex digits.
    public static func decode(_ text: String) -> String? {
        var out = [UInt8]()
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%") else { out.append(byte); continue }
            guard let high = bytes.popFirst().flatMap(hexValue), let low = bytes.popFirst().flatMap(hexValue) else { return nil }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` body of a Query-protocol call, in the given order. A space is `+`, as
    /// botocore (Python's `urlencode`) writes it: moto re-encodes the parsed form that way when it checks the
    /// signature, and AWS decodes either.
    public static func formBody(_ parameters: [(String, String)]) -> String {
        func form(_ text: String) -> String { encode(text).replacing("%20", with: "+") }
        return parameters.map { "\(form($0.0))=\(form($0.1))" }.joined(separator: "&")
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
