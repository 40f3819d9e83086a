/// `~/.aws/config` and `~/.aws/credentials` merged per profile: the config file's `[profile NAME]`
/// (or `[default]`) and the credentials file's `[NAME]`, credentials-file values winning.
public struct SharedConfiguration: Sendable, Equatable {
    public let configFile: INIDocument?
    public let credentialsFile: INIDocument?
    public let paths: [String]

    public init(configFile: INIDocument?, credentialsFile: INIDocument?, paths: [String]) {
        self.configFile = configFile
        self.credentialsFile = credentialsFile
        self.paths = paths
    }

    public static let empty = SharedConfiguration(configFile: nil, credentialsFile: nil, paths: [])

    /// The file locations the SDKs use: `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`, else under `$HOME/.aws`.
    public static func paths(environment: [String: String]) -> (config: String?, credentials: String?) {
        let home = environment["HOME"].map { $0 + "/.aws/" }
        return (environment["AWS_CONFIG_FILE"] ?? home.map { $0 + "config" },
                environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home.map { $0 + "credentials" })
    }

    public func profile(_ name: String) -> [String: String]? {
        let fromConfig = configFile?.section(name == "default" ? "default" : "profile \(name)")
            ?? (name == "default" ? configFile?.section("profile default") : nil)
        let fromCredentials = credentialsFile?.section(name)
        guard fromConfig != nil || fromCredentials != nil else { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentials in credentials }
    }
}
