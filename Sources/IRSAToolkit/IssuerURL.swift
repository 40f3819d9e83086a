/// An OIDC issuer as IAM and STS accept it: `https://host[:port][/path]`, no query, fragment,
/// credentials or trailing slash. IAM names the provider by the URL without its scheme.
public struct IssuerURL: Sendable, Equatable, CustomStringConvertible {
    /// IAM's limit on an OIDC provider URL.
    static let maximumLength = 255

    public let description: String

    /// `host[:port][/path]`: the OIDC provider's name in its ARN and in condition keys.
    public var withoutScheme: String { String(description.dropFirst("https://".count)) }

    public init(validating text: String, option: String = "--issuer") throws(ToolkitError) {
        func reject(_ problem: String) -> ToolkitError { .invalidOption(option: option, value: text, problem: problem) }
        let location = try HTTPSURL.location(of: text, option: option)
        guard text.count <= Self.maximumLength else { throw reject("longer than IAM's \(Self.maximumLength) characters") }
        guard !text.contains("?"), !text.contains("#") else {
            throw reject("an issuer has no query or fragment (the token's iss claim must equal it exactly)")
        }
        guard !location.hasSuffix("/") else {
            throw reject("remove the trailing '/': IAM names the provider without it, and the apiserver's --service-account-issuer must equal this URL")
        }
        description = text
    }

    /// Where the JWKS lives when `--jwks-uri` is not given: kube-apiserver's own path, so the same
    /// layout works whether the apiserver serves discovery itself or a bucket mirrors it.
    public var defaultJWKSURI: String { description + "/openid/v1/jwks" }
}

/// Syntax checks shared by every https URL the toolkit takes.
enum HTTPSURL {
    /// Validates `https://host[:port]...` and returns everything after the scheme.
    static func location(of text: String, option: String) throws(ToolkitError) -> Substring {
        func reject(_ problem: String) -> ToolkitError { .invalidOption(option: option, value: text, problem: problem) }
        guard text.hasPrefix("https://") else { throw reject("must start with https:// (STS fetches discovery only over TLS)") }
        guard !text.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
            throw reject("contains whitespace, control or non-ASCII characters")
        }
        let location = text.dropFirst("https://".count)
        let authority = location.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { throw reject("must not contain credentials") }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = host.first, !name.isEmpty,
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
            throw reject("has no valid host name")
        }
        if host.count == 2 {
            guard let port = Int(host[1]), (1...65535).contains(port) else { throw reject("has an invalid port") }
        }
        return location
    }
}
