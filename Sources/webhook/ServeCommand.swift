import ArgumentParser
import JSONCore
import Logging
import PodIdentity
import TLSSupport
import WebhookService

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the admission webhook (the default subcommand).")

    @OptionGroup(title: "Server") var server: ServerOptions
    @OptionGroup(title: "ServiceAccount sources") var sources: SourceOptions
    @OptionGroup(title: "Mutation") var mutation: MutationOptions

    func run() throws {
        let configuration = try makeConfiguration()
        if server.dryRun {
            print(JSON.serializePretty(configuration.jsonDescription), terminator: "")
            return
        }
        let logWriter = LoggingSetup.bootstrap(format: configuration.logFormat, level: configuration.logLevel,
                                              bufferBytes: configuration.logBufferBytes)
        let code = WebhookServer(configuration: configuration, logWriter: logWriter).run()
        // Every line logged so far reaches standard error before the exit; a stderr nobody reads gets 5 s.
        logWriter.finish(timeout: .seconds(5))
        if code != 0 { throw ExitCode(code) }
    }

    /// Turns the flags into a validated configuration; every error names its flag.
    func makeConfiguration() throws -> WebhookConfiguration {
        var configuration = WebhookConfiguration()
        configuration.certificatePath = server.cert
        configuration.keyPath = server.key
        configuration.bindAddress = server.bindAddress
        configuration.port = try Self.port(server.port, flag: "--port")
        configuration.metricsPort = try Self.port(server.metricsPort, flag: "--metrics-port")
        if configuration.port == configuration.metricsPort && configuration.port != 0 {
            throw ValidationError("--port and --metrics-port must differ (both are \(configuration.port))")
        }
        do {
            (configuration.tlsMinimumVersion, configuration.tlsCipherSuites) = try TLSServerSettings.validate(
                minimumVersion: server.tlsMinVersion, cipherSuites: server.tlsCipherSuites)
        } catch {
            throw ValidationError("--tls-min-version/--tls-cipher-suites: \(error)")
        }
        configuration.shutdownDelay = server.shutdownDelay.duration
        guard let level = Logger.Level(rawValue: server.logLevel.lowercased()) else {
            throw ValidationError("--log-level \(server.logLevel): use one of trace, debug, info, notice, warning, error, critical")
        }
        configuration.logLevel = level
        configuration.logFormat = server.logFormat
        guard server.logBufferBytes >= LogWriter.Settings.minimumCapacityBytes else {
            throw ValidationError("--log-buffer-bytes must be at least \(LogWriter.Settings.minimumCapacityBytes) (one long line)")
        }
        configuration.logBufferBytes = server.logBufferBytes
        guard server.maxRequestBytes > 0 else { throw ValidationError("--max-request-bytes must be positive") }
        configuration.maxRequestBytes = server.maxRequestBytes
        configuration.readHeaderTimeout = try Self.positive(server.readHeaderTimeout, flag: "--read-header-timeout")
        configuration.idleTimeout = try Self.positive(server.idleTimeout, flag: "--idle-timeout")
        guard (1...10_000).contains(server.maxConcurrentStreams) else {
            throw ValidationError("--max-concurrent-streams must be between 1 and 10000")
        }
        configuration.maxConcurrentStreams = server.maxConcurrentStreams
        configuration.enableDebuggingHandlers = server.enableDebuggingHandlers

        if let path = sources.serviceAccounts {
            guard sources.kubeconfig == nil, sources.kubeApi == nil else {
                throw ValidationError("--service-accounts replaces the Kubernetes API source: do not combine it with --kubeconfig or --kube-api")
            }
            configuration.source = .localManifests(path: path)
        } else {
            configuration.source = .kubernetes(kubeconfig: sources.kubeconfig, apiServer: sources.kubeApi)
        }
        configuration.namespace = sources.namespace
        configuration.watchConfigMap = sources.watchConfigMap
        configuration.resyncPeriod = sources.resyncPeriod.duration
        configuration.serviceAccountLookupGracePeriod = sources.serviceAccountLookupGracePeriod.duration
        configuration.mutation = try mutation.settings()
        configuration.containerCredentialsConfigPath = mutation.watchContainerCredentialsConfig
        return configuration
    }

    private static func port(_ value: Int, flag: String) throws -> Int {
        guard (0...65535).contains(value) else { throw ValidationError("\(flag) \(value): not a TCP port (0-65535)") }
        return value
    }

    private static func positive(_ value: GoDuration, flag: String) throws -> Duration {
        guard value.duration > .zero else { throw ValidationError("\(flag) must be greater than 0") }
        return value.duration
    }
}
