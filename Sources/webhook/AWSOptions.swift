import ArgumentParser
import AWSClient
import AWSCore
import FileSystem
import HTTPClient
import JSONCore
import TLSSupport
import Glibc

/// Where and as whom the `setup` commands reach AWS: the SDKs' environment (`AWS_REGION`,
/// `AWS_ENDPOINT_URL*`, `AWS_PROFILE`, credentials chain) and the flags that override it.
struct AWSOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's region).", valueName: "region"))
    var region: String?

    @Option(help: ArgumentHelp("Send every AWS call to this endpoint (overrides AWS_ENDPOINT_URL*).", valueName: "url"))
    var endpointUrl: String?

    @Option(help: ArgumentHelp("The shared-config profile (default: AWS_PROFILE, else default).", valueName: "name"))
    var profile: String?

    @Flag(help: "Print every call that would change something and every document it would write; send only reads.")
    var dryRun = false

    /// The connected pieces, built once per command.
    func session() throws -> AWSSession {
        let environment = ProcessEnvironment.all
        let (configPath, credentialsPath) = SharedConfiguration.paths(environment: environment)
        func load(_ path: String?) throws -> INIDocument? {
            guard let path, FileSystem.kind(of: path) == .file else { return nil }
            return try INIDocument(parsing: String(decoding: try FileSystem.read(path, maxBytes: 1 << 20), as: UTF8.self), path: path)
        }
        let shared = SharedConfiguration(configFile: try load(configPath), credentialsFile: try load(credentialsPath),
                                         paths: [configPath, credentialsPath].compactMap { $0 })
        let region = region ?? CredentialSource.region(environment: environment, shared: shared, profileName: profile)
        let resolver = AWSEndpointResolver(region: region, commandLineEndpoint: endpointUrl, environment: environment)
        var trust = TLSClientSettings.Trust.systemStore
        if let bundle = environment["AWS_CA_BUNDLE"], !bundle.isEmpty {
            trust = .certificateAuthorities(pem: try FileSystem.read(bundle, maxBytes: 4 << 20))
        }
        let http = HTTPClient(tls: try TLSClientContext(settings: TLSClientSettings(trust: trust)))
        let source = try CredentialSource.resolve(environment: environment, shared: shared, profileName: profile)
        let credentials = CredentialProvider(source: source, http: http, stsEndpoint: try resolver.endpoint(for: .sts))
        let sender = AWSRequestSender(http: http, credentials: credentials)
        return AWSSession(resolver: resolver, sender: sender, credentialSource: source, dryRun: dryRun)
    }
}

struct AWSSession {
    let resolver: AWSEndpointResolver
    let sender: AWSRequestSender
    let credentialSource: CredentialSource
    let dryRun: Bool

    var partition: AWSPartition { resolver.partition }
    func iam() throws -> QueryClient { QueryClient(sender: sender, endpoint: try resolver.endpoint(for: .iam)) }
    func sts() throws -> QueryClient { QueryClient(sender: sender, endpoint: try resolver.endpoint(for: .sts)) }

    /// The caller's account (STS GetCallerIdentity), for the provider ARN.
    func accountID() throws -> String {
        let identity = try sts().call("GetCallerIdentity", [])
        guard let account = identity.string("Account") else {
            throw ValidationError("STS GetCallerIdentity answered without an Account")
        }
        print("caller: \(identity.string("Arn") ?? account) (credentials from \(credentialSource))")
        return account
    }

    /// A write: performed, or with --dry-run printed with its parameters (documents in full).
    @discardableResult
    func write(_ client: QueryClient, _ action: String, _ parameters: [(String, String)], summary: String) throws -> XMLElement? {
        if dryRun {
            print("would call \(client.endpoint.service.rawValue.uppercased()) \(action): \(summary)")
            for (name, value) in parameters where name.hasSuffix("Document") {
                print("  \(name):\n\((try? JSON.parse(value)).map(JSON.serializePretty) ?? value)")
            }
            return nil
        }
        let result = try client.call(action, parameters)
        print("\(action): \(summary)")
        return result
    }
}

enum ProcessEnvironment {
    static var all: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") { result[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            pointer += 1
        }
        return result
    }
}
