/// Upstream's role ARN check, `^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]+$`, without a regex engine.
/// Upstream only logs a mismatch; this webhook also returns it as an admission warning.
enum RoleARNSyntax {
    static func isIAMRoleARN(_ arn: String) -> Bool {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty else { return false }
        let partition = parts[1]
        guard partition.hasPrefix("aws"),
              partition.utf8.dropFirst(3).allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }) else { return false }
        guard parts[4].utf8.count == 12, parts[4].utf8.allSatisfy(isDigit) else { return false }
        let resource = parts[5]
        guard resource.hasPrefix("role/") else { return false }
        let name = resource.utf8.dropFirst(5)
        return !name.isEmpty && name.allSatisfy { byte in
            isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || "_-/.@+=,".utf8.contains(byte)
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }
}
