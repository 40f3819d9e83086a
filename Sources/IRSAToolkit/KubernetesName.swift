/// Kubernetes object-name syntax (apimachinery's validation), checked so a typo fails here rather
/// than as a role nobody can ever assume.
enum KubernetesName {
    /// RFC 1123 label: what a namespace name must be.
    static func validateLabel(_ name: String, option: String) throws(ToolkitError) {
        guard name.utf8.count <= 63 else {
            throw .invalidOption(option: option, value: name, problem: "longer than 63 characters")
        }
        guard isLabel(name) else {
            throw .invalidOption(option: option, value: name,
                problem: "must be lowercase letters, digits and '-', starting and ending with a letter or digit")
        }
    }

    /// RFC 1123 subdomain: what a ServiceAccount name must be.
    static func validateSubdomain(_ name: String, option: String) throws(ToolkitError) {
        guard name.utf8.count <= 253 else {
            throw .invalidOption(option: option, value: name, problem: "longer than 253 characters")
        }
        guard name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isLabel($0) }) else {
            throw .invalidOption(option: option, value: name,
                problem: "must be lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit")
        }
    }

    private static func isLabel(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        return alphanumeric(first) && alphanumeric(last) && bytes.allSatisfy { alphanumeric($0) || $0 == UInt8(ascii: "-") }
    }
}
