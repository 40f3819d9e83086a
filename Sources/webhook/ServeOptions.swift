import ArgumentParser
import Logging
import WebhookService

/// A duration in Go's syntax (`500ms`, `5s`, `1m30s`), as the upstream webhook's flags take them.
struct GoDuration: ExpressibleByArgument, Sendable {
    let duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        guard let parsed = GoDurationFormat.parse(argument) else { return nil }
        duration = parsed
    }

    var defaultValueDescription: String { GoDurationFormat.format(duration) }
}

extension LogFormat: ExpressibleByArgument {}

/// The TLS and HTTP server flags of `webhook serve`.
struct ServerOptions: ParsableArguments {
    @Option(name: [.customLong("cert"), .customLong("tls-cert")], help: "Serving certificate (PEM), reloaded when it changes.")
    var cert = WebhookConfiguration.defaults.certificatePath

    @Option(name: [.customLong("key"), .customLong("tls-key")], help: "Serving private key (PEM), reloaded when it changes.")
    var key = WebhookConfiguration.defaults.keyPath

    @Option(help: "Address the TLS and metrics listeners bind to.")
    var bindAddress = WebhookConfiguration.defaults.bindAddress

    @Option(help: "TLS port of the webhook (/mutate, /healthz, /livez, /readyz).")
    var port = WebhookConfiguration.defaults.port

    @Option(help: "Plain-HTTP port for /metrics, /healthz, /livez, /readyz.")
    var metricsPort = WebhookConfiguration.defaults.metricsPort

    @Option(help: "Minimum TLS version: 1.2 or 1.3 (TLS 1.0 and 1.1 are always refused).")
    var tlsMinVersion = "1.2"

    @Option(help: "Comma-separated cipher suites for TLS <= 1.2 (IANA or OpenSSL names); empty: OpenSSL's secure defaults.")
    var tlsCipherSuites = ""

    @Option(help: "After SIGTERM, how long /readyz reports 503 while requests are still served, before the listener closes.")
    var shutdownDelay = GoDuration(WebhookConfiguration.defaults.shutdownDelay)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text or json (one object per line).")
    var logFormat = LogFormat.text

    @Option(help: "Log lines held while standard error does not take them (as nginx's access_log buffer=); beyond, lines are dropped and counted in log_lines_dropped_total.")
    var logBufferBytes = LogWriter.Settings().capacityBytes

    @Option(help: "Largest request body accepted; larger gets 413 without being read.")
    var maxRequestBytes = WebhookConfiguration.defaults.maxRequestBytes

    @Option(help: "Time allowed for the TLS handshake and a request's headers; slower connections are closed.")
    var readHeaderTimeout = GoDuration(WebhookConfiguration.defaults.readHeaderTimeout)

    @Option(help: "Idle keep-alive connections are closed after this long.")
    var idleTimeout = GoDuration(WebhookConfiguration.defaults.idleTimeout)

    @Option(help: "HTTP/2 concurrent streams per connection; more are refused.")
    var maxConcurrentStreams = WebhookConfiguration.defaults.maxConcurrentStreams

    @Flag(inversion: .prefixedNo, help: "Serve /debug/alpha/cache (a JSON dump of the ServiceAccount cache) on the metrics port.")
    var enableDebuggingHandlers = false

    @Flag(inversion: .prefixedNo, help: "Validate every flag, print the effective configuration as JSON and exit (opens no file or port).")
    var dryRun = false
}

/// Where ServiceAccounts come from, and upstream's flags that are accepted for compatibility.
struct SourceOptions: ParsableArguments {
    @Option(help: "Local ServiceAccount manifests (a file or a folder, YAML or JSON), reloaded when they change. Replaces the Kubernetes API source; for development and tests.")
    var serviceAccounts: String?

    @Option(help: "Kubeconfig for running outside the cluster (default: the in-cluster configuration; outside a cluster, as kubectl: the first file of $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Kubernetes API server URL, overriding the kubeconfig's or the in-cluster one.")
    var kubeApi: String?

    @Flag(inversion: .prefixedNo, help: "Accepted for compatibility with the upstream webhook. Its in-cluster CSR certificate mode is not reproduced: certificates always come from --cert/--key.")
    var inCluster = true

    @Option(help: "Namespace of the pod-identity-webhook ConfigMap (with --watch-config-map).")
    var namespace = WebhookConfiguration.defaults.namespace

    @Option(help: "Accepted for compatibility with the upstream webhook (its CSR mode); ignored.")
    var serviceName = "pod-identity-webhook"

    @Option(help: "Accepted for compatibility with the upstream webhook (its CSR mode); ignored.")
    var tlsSecret = "pod-identity-webhook"

    @Flag(inversion: .prefixedNo, help: "Watch the pod-identity-webhook ConfigMap in --namespace for role mappings.")
    var watchConfigMap = false

    @Option(help: "Accepted for compatibility with the upstream webhook; watches here are event-driven and relist on errors.")
    var resyncPeriod = GoDuration(WebhookConfiguration.defaults.resyncPeriod)

    @Option(help: "On a ServiceAccount cache miss, how long to wait for a direct API lookup (0 disables the lookup).")
    var serviceAccountLookupGracePeriod = GoDuration(WebhookConfiguration.defaults.serviceAccountLookupGracePeriod)

    @Flag(inversion: .prefixedNo, help: "Accepted for compatibility with the upstream webhook (klog); logs always go to standard error.")
    var logtostderr = true

    @Option(name: [.customShort("v"), .customLong("v")], help: "Accepted for compatibility with the upstream webhook (klog verbosity); use --log-level.")
    var verbosity: Int?
}
