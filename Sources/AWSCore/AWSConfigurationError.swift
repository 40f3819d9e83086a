/// Configuration the AWS side cannot use, each case naming where the value came from.
public enum AWSConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidEndpoint(source: String, value: String, problem: String)
    case missingRegion(service: String)
    case malformedConfigFile(path: String, line: Int, problem: String)
    case missingProfile(name: String, files: [String])
    case incompleteProfile(name: String, problem: String)
    case profileCycle([String])
    case noCredentials(tried: [String])
    case invalidCredentialsSetting(source: String, problem: String)

    public var description: String {
        switch self {
        case .invalidEndpoint(let source, let value, let problem):
            "\(source): '\(value)' is not a usable endpoint URL: \(problem)"
        case .missingRegion(let service):
            "no AWS region for \(service): give --region or set AWS_REGION (or region in the profile)"
        case .malformedConfigFile(let path, let line, let problem):
            "\(path):\(line): \(problem)"
        case .missingProfile(let name, let files):
            "profile '\(name)' not found in \(files.joined(separator: " or "))"
        case .incompleteProfile(let name, let problem):
            "profile '\(name)': \(problem)"
        case .profileCycle(let names):
            "profiles refer to each other in a cycle: \(names.joined(separator: " -> "))"
        case .noCredentials(let tried):
            "no AWS credentials found (tried: \(tried.joined(separator: "; ")))"
        case .invalidCredentialsSetting(let source, let problem):
            "\(source): \(problem)"
        }
    }
}
