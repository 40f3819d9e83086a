/// Upstream's role ARN check, `^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]+$`, without a regex engine:
/// one pass over the bytes, as it runs for every admitted pod.
/// Upstream only logs a mismatch; this webhook also returns it as an admission warning.
/// `allowNonAWSAccountID` (`--allow-non-aws-account-id`, upstream PR #302) also accepts an empty account ID
/// (MinIO) or one of 20 letters and digits (RadosGW accounts).
enum RoleARNSyntax {
    static func isIAMRoleARN(_ arn: String, allowNonAWSAccountID: Bool = false) -> Bool {
        var arn = arn
        return arn.withUTF8 { bytes in
            var index = 0
            func expect(_ literal: StaticString) -> Bool {
                let count = literal.utf8CodeUnitCount
                guard index + count <= bytes.count else { return false }
                let matches = literal.withUTF8Buffer { expected in (0..<count).allSatisfy { bytes[index + $0] == expected[$0] } }
                if matches { index += count }
                return matches
            }
            guard expect("arn:aws") else { return false }
            while index < bytes.count, isLowerAlphanumeric(bytes[index]) || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard expect(":iam::") else { return false }
            let accountStart = index
            while index < bytes.count, isLowerAlphanumeric(bytes[index]) || (bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z")) {
                index += 1
            }
            let account = UnsafeBufferPointer(rebasing: bytes[accountStart..<index])
            let isAWSAccount = account.count == 12 && account.allSatisfy(isDigit)
            guard isAWSAccount || (allowNonAWSAccountID && (account.isEmpty || account.count == 20)) else { return false }
            guard expect(":role/"), index < bytes.count else { return false }
            while index < bytes.count {
                guard isRoleNameByte(bytes[index]) else { return false }
                index += 1
            }
            return true
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    /// `[\w-\/.@+=,]`: letters, digits and `_-/.@+=,`.
    private static func isRoleNameByte(_ byte: UInt8) -> Bool {
        if isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) { return true }
        switch byte {
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "@"),
             UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","):
            return true
        default:
            return false
        }
    }
}
