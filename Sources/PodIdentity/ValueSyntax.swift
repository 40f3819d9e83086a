/// Checks of annotation and flag values that end up in a container's environment or AWS config file, so a
/// typo is a warning at admission instead of an SDK error at run time.
enum RegionSyntax {
    /// A region name as AWS and IAM-compatible providers spell them: lower-case letters, digits and inner
    /// dashes, at most 64 bytes (`us-west-2`, `us-gov-east-1`, `cn-north-1`, `garage`).
    static func isRegion(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...64).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-")
        }
    }
}

public enum EndpointURLSyntax {
    /// Why `text` cannot be an SDK endpoint URL (`http(s)://host[:port][/path]`), nil when it can.
    public static func problem(_ text: String) -> String? {
        let rest: Substring
        if text.hasPrefix("https://") { rest = text.dropFirst(8) } else if text.hasPrefix("http://") { rest = text.dropFirst(7) } else {
            return "must start with https:// or http://"
        }
        guard text.utf8.count <= 2048 else { return "longer than 2048 bytes" }
        guard !rest.isEmpty, rest.first != "/" else { return "has no host" }
        guard rest.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return "contains spaces or control characters" }
        return nil
    }
}

/// STS `ExternalId`: 2 to 1224 characters of `[\w+=,.@:/-]`.
enum ExternalIDSyntax {
    static func isExternalID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (2...1224).contains(bytes.count) else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: ","), UInt8(ascii: "."),
                 UInt8(ascii: "@"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}

/// The host of a container-credentials URI is an IPv6 literal (`http://[fd00:ec2::23]/v1/credentials`).
enum CredentialsURISyntax {
    static func hasIPv6Host(_ uri: String) -> Bool {
        for scheme in ["http://", "https://"] where uri.hasPrefix(scheme) {
            return uri.dropFirst(scheme.count).first == "["
        }
        return false
    }
}
