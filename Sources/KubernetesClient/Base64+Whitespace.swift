import JSONCore

extension Base64 {
    /// Standard base64 as found in kubeconfigs, where line breaks and spaces may wrap long values.
    static func decodeIgnoringWhitespace(_ text: String) -> [UInt8]? {
        decode(String(text.filter { $0 != " " && $0 != "\n" && $0 != "\r" && $0 != "\t" }))
    }

    /// Unpadded base64url (JWT segments).
    static func decodeURLSafe(_ text: Substring) -> [UInt8]? {
        var standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while standard.utf8.count % 4 != 0 { standard.append("=") }
        return decode(standard)
    }
}
