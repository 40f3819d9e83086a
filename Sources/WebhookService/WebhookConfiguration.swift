import HTTPServer
import JSONCore
import Locking
import Logging
import PodIdentity
import TLSSupport

/// Where ServiceAccounts come from.
public enum ServiceAccountSourceConfiguration: Sendable, Equatable {
    /// Local manifests (a file or a folder), for development, tests and benchmarks.
    case localManifests(path: String)
    /// The Kubernetes API: `kubeconfig` nil means in-cluster configuration.
    case kubernetes(kubeconfig: String?, apiServer: String?)
}

/// Everything `webhook serve` runs with, validated. Printed by `--dry-run`.
public struct WebhookConfiguration: Sendable {
    public var bindAddress = "0.0.0.0"
    public var port = 443
    public var metricsPort = 9999
    public var certificatePath = "/etc/webhook/certs/tls.crt"
    public var keyPath = "/etc/webhook/certs/tls.key"
    public var tlsMinimumVersion = TLSMinimumVersion.tls12
    public var tlsCipherSuites: [String] = []
    public var shutdownDelay = Duration.seconds(5)
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.text
    public var logBufferBytes = LogWriter.Settings().capacityBytes
    // The server's limits default to ServerLimits', their one home.
    public var maxRequestBytes = ServerLimits.defaults.maxRequestBytes
    public var readHeaderTimeout = ServerLimits.defaults.readHeaderTimeout
    public var idleTimeout = ServerLimits.defaults.idleTimeout
    public var maxConcurrentStreams = ServerLimits.defaults.maxConcurrentStreams
    public var enableDebuggingHandlers = false

    public var source = ServiceAccountSourceConfiguration.kubernetes(kubeconfig: nil, apiServer: nil)
    public var namespace = "eks"
    public var watchConfigMap = false
    public var resyncPeriod = Duration.seconds(60)
    /// How long a pod may wait for a direct API lookup of a ServiceAccount missing from the cache.
    /// 2 s sits well inside the API server's webhook timeout (10 s at most) while covering a slow GET.
    public var serviceAccountLookupGracePeriod = Duration.seconds(2)

    public var mutation = MutationSettings()
    /// `--watch-container-credentials-config`: the EKS Pod Identity associations file, polled for changes.
    public var containerCredentialsConfigPath: String?

    public init() {}

    /// The defaults, for the flags of `webhook serve` (one home: the flags refer to these).
    public static let defaults = WebhookConfiguration()
}

extension WebhookConfiguration {
    /// The effective configuration as JSON (no secrets: only paths and settings).
    public var jsonDescription: JSONValue {
        let sourceValue: JSONValue
        switch source {
        case .localManifests(let path):
            sourceValue = ["kind": "localManifests", "path": .string(path)]
        case .kubernetes(let kubeconfig, let apiServer):
            sourceValue = [
                "kind": "kubernetes",
                "kubeconfig": kubeconfig.map(JSONValue.string) ?? .null,
                "apiServer": apiServer.map(JSONValue.string) ?? .null,
                "inCluster": .bool(kubeconfig == nil),
            ]
        }
        return [
            "server": [
                "bindAddress": .string(bindAddress),
                "port": .number(JSONNumber(port)),
                "metricsPort": .number(JSONNumber(metricsPort)),
                "certificate": .string(certificatePath),
                "key": .string(keyPath),
                "tlsMinVersion": .string(tlsMinimumVersion.rawValue),
                "tlsCipherSuites": .array(tlsCipherSuites.map(JSONValue.string)),
                "shutdownDelay": .string(GoDurationFormat.format(shutdownDelay)),
                "maxRequestBytes": .number(JSONNumber(maxRequestBytes)),
                "readHeaderTimeout": .string(GoDurationFormat.format(readHeaderTimeout)),
                "idleTimeout": .string(GoDurationFormat.format(idleTimeout)),
                "maxConcurrentStreams": .number(JSONNumber(maxConcurrentStreams)),
                "enableDebuggingHandlers": .bool(enableDebuggingHandlers),
            ],
            "logging": ["level": .string(logLevel.rawValue), "format": .string(logFormat.rawValue),
                        "bufferBytes": .number(JSONNumber(logBufferBytes))],
            "serviceAccounts": [
                "source": sourceValue,
                "namespace": .string(namespace),
                "watchConfigMap": .bool(watchConfigMap),
                "resyncPeriod": .string(GoDurationFormat.format(resyncPeriod)),
                "lookupGracePeriod": .string(GoDurationFormat.format(serviceAccountLookupGracePeriod)),
            ],
            "mutation": mutation.jsonDescription,
            "containerCredentialsConfig": containerCredentialsConfigPath.map(JSONValue.string) ?? .null,
        ]
    }
}

/// Formats durations the way Go prints them (`5s`, `1m30s`, `500ms`), so `--dry-run` echoes what was given.
public enum GoDurationFormat {
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        let totalMilliseconds = duration.roundedUpMilliseconds
        if totalMilliseconds == 0 { return "0s" }
        if totalMilliseconds % 1000 != 0 && seconds < 1 { return "\(totalMilliseconds)ms" }
        var remaining = seconds
        var text = ""
        if remaining >= 3600 { text += "\(remaining / 3600)h"; remaining %= 3600 }
        if remaining >= 60 { text += "\(remaining / 60)m"; remaining %= 60 }
        let millis = totalMilliseconds % 1000
        if remaining > 0 || millis > 0 || text.isEmpty {
            text += millis > 0 ? "\(remaining).\(String(millis + 1000).dropFirst())s" : "\(remaining)s"
        }
        return text
    }

    /// Parses Go's duration syntax into a `Duration` (nil when invalid or negative).
    public static func parse(_ text: String) -> Duration? {
        guard let nanoseconds = GoSyntax.parseDuration(text), nanoseconds >= 0 else { return nil }
        return .nanoseconds(nanoseconds)
    }
}
