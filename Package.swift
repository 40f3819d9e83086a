// swift-tools-version:6.2
// The dependency arrows point one way (Locking <- FileSystem, small system helpers, sit under everything):
//   JSONCore <- PodIdentity (pure mutation logic) <- Admission (codec)
//   TLSSupport (the one OpenSSL layer) <- HTTPClient (outbound HTTP/1.1) <- KubernetesClient (config, list/watch)
//   TLSSupport <- HTTPServer (inbound HTTP/1.1 + HTTP/2);  TLSSupport, JSONCore <- IRSAToolkit
//   PodIdentity, KubernetesClient <- ServiceAccountSources (manifests, reflectors, cache-miss lookup)
//   Admission, HTTPServer, ServiceAccountSources <- WebhookService (wiring) <- webhook (CLI, with IRSAToolkit)
//   JSONCore <- TrustPolicyRules (pure policy merges: trust policies, the issuer bucket's policy) <- IRSAToolkit, webhook
//   JSONCore, TrustPolicyRules <- TrustReconciliation (pure trust-controller logic)
//   UTCCalendar (pure UTC calendar arithmetic) <- AWSCore, WebhookService
//   COpenSSL <- AWSCore (SigV4, endpoints, XML/INI readers, credential-source choice; no I/O)
//   AWSCore, HTTPClient <- AWSClient (signed calls, retries, credential chain) <- webhook (setup commands)
//   KubernetesClient <- webhook (setup --annotate: ServiceAccount merge PATCH)
//   TrustReconciliation, AWSClient, KubernetesClient, WebhookService <- TrustController (the controller's I/O) <- webhook
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "pod-identity-webhook",
    products: [
        .executable(name: "webhook", targets: ["webhook"]),
        // For the fuzzing package in Fuzz/ (a separate package, so fuzz executables never enter this build).
        .library(name: "WebhookFuzzableModules",
                 targets: ["JSONCore", "PodIdentity", "Admission", "HTTPServer", "ServiceAccountSources", "KubernetesClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // System libraries and the tiny C shim for what Swift cannot import.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .target(name: "CWebhookShims", dependencies: ["COpenSSL"]),

        // A pthread-backed lock that ThreadSanitizer understands (see Locked.swift).
        .target(name: "Locking", swiftSettings: swiftSettings),
        // POSIX file reading shared by every module that reads configuration (no Foundation).
        .target(name: "FileSystem", dependencies: ["Locking"], swiftSettings: swiftSettings),

        // Pure logic: no I/O.
        .target(name: "JSONCore", swiftSettings: swiftSettings),
        // Unix time to UTC calendar date and back, by arithmetic: the log line's timestamp, SigV4's timestamps.
        .target(name: "UTCCalendar", swiftSettings: swiftSettings),
        .target(name: "PodIdentity", dependencies: ["JSONCore", "Locking"], swiftSettings: swiftSettings),
        .target(name: "Admission", dependencies: ["JSONCore", "PodIdentity"], swiftSettings: swiftSettings),
        // The policy documents the project writes into, keeping every statement it did not write: the trust-policy
        // merge and checks and the web-identity statement rule (shared by `webhook setup role` and the trust
        // controller), and the issuer bucket's policy (`webhook setup issuer`).
        .target(name: "TrustPolicyRules", dependencies: ["JSONCore"], swiftSettings: swiftSettings),
        // AWS without I/O: SigV4 (hashes from libcrypto), endpoints, XML and INI readers, credential-source choice, retry rules.
        .target(name: "AWSCore", dependencies: ["COpenSSL", "UTCCalendar"], swiftSettings: swiftSettings),
        // AWS calls over the one outbound HTTP client: signing, retries, errors, the credential chain, IAM/STS/S3.
        .target(name: "AWSClient", dependencies: ["AWSCore", "HTTPClient", "JSONCore", "FileSystem", "Locking"],
                swiftSettings: swiftSettings),
        // The trust controller's decisions: desired trust, the owned trust-policy statement, leader election.
        .target(name: "TrustReconciliation", dependencies: ["JSONCore", "TrustPolicyRules"], swiftSettings: swiftSettings),

        // I/O: TLS, HTTP server, ServiceAccount sources, Kubernetes API client, IRSA toolkit.
        .target(
            name: "TLSSupport",
            dependencies: ["COpenSSL", "CWebhookShims", "FileSystem", "Locking"],
            swiftSettings: swiftSettings),
        .target(
            name: "HTTPServer",
            dependencies: [
                "TLSSupport", "COpenSSL", "CNGHTTP2", "CWebhookShims", "Locking",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "HTTPClient", dependencies: ["TLSSupport", "Locking"], swiftSettings: swiftSettings),
        .target(
            name: "ServiceAccountSources",
            dependencies: [
                "JSONCore", "PodIdentity", "KubernetesClient", "FileSystem", "Locking",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "KubernetesClient",
            dependencies: [
                "JSONCore", "HTTPClient", "TLSSupport", "FileSystem", "Locking",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(name: "IRSAToolkit", dependencies: ["JSONCore", "TrustPolicyRules", "COpenSSL", "TLSSupport", "FileSystem"], swiftSettings: swiftSettings),

        // The trust controller's I/O: caches, leader election on a Lease, IAM reads and writes, annotations, Events.
        .target(
            name: "TrustController",
            dependencies: [
                "TrustReconciliation", "AWSClient", "AWSCore", "KubernetesClient", "HTTPServer", "WebhookService",
                "JSONCore", "Locking",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),

        // Wiring: routes, handlers, metrics, configuration.
        .target(
            name: "WebhookService",
            dependencies: [
                "JSONCore", "PodIdentity", "Admission", "TLSSupport", "HTTPServer",
                "ServiceAccountSources", "KubernetesClient", "Locking", "CWebhookShims", "UTCCalendar",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "webhook",
            dependencies: [
                "WebhookService", "TrustController", "TrustReconciliation", "KubernetesClient", "IRSAToolkit", "AWSCore", "AWSClient",
                "TrustPolicyRules", "Admission", "PodIdentity", "ServiceAccountSources", "TLSSupport", "JSONCore", "FileSystem",
                "HTTPClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),

        // Benchmarks (release builds, run by `make bench-mutate`).
        .executableTarget(
            name: "mutate-bench", dependencies: ["Admission", "PodIdentity", "JSONCore"], path: "bench/mutate",
            swiftSettings: swiftSettings),

        // Tests
        .testTarget(name: "JSONCoreTests", dependencies: ["JSONCore",
            .product(name: "PropertyBased", package: "swift-property-based")], swiftSettings: swiftSettings),
        .testTarget(
            name: "PodIdentityTests",
            dependencies: ["PodIdentity", "JSONCore", "ServiceAccountSources",
                .product(name: "PropertyBased", package: "swift-property-based")],
            resources: [.copy("Cases")],
            swiftSettings: swiftSettings),
        .testTarget(name: "AdmissionTests", dependencies: ["Admission", "JSONCore", "PodIdentity"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TLSSupport", "Locking",
            .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(name: "ServiceAccountSourcesTests", dependencies: ["ServiceAccountSources", "PodIdentity", "JSONCore", "Locking"], swiftSettings: swiftSettings),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "Locking"], swiftSettings: swiftSettings),
        .testTarget(name: "KubernetesClientTests", dependencies: ["KubernetesClient", "JSONCore"], swiftSettings: swiftSettings),
        .testTarget(name: "IRSAToolkitTests", dependencies: ["IRSAToolkit", "JSONCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TrustPolicyRulesTests", dependencies: ["TrustPolicyRules", "JSONCore"], resources: [.copy("Cases"), .copy("BucketPolicyCases")],
                    swiftSettings: swiftSettings),
        .testTarget(name: "UTCCalendarTests", dependencies: ["UTCCalendar"], swiftSettings: swiftSettings),
        .testTarget(name: "AWSCoreTests", dependencies: ["AWSCore"], resources: [.copy("Answers")], swiftSettings: swiftSettings),
        .testTarget(name: "TrustReconciliationTests", dependencies: ["TrustReconciliation", "JSONCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TrustControllerTests", dependencies: ["TrustController", "TrustReconciliation", "JSONCore"],
                    swiftSettings: swiftSettings),
        .testTarget(
            name: "WebhookServiceTests",
            dependencies: [
                "WebhookService", "Admission", "PodIdentity", "JSONCore", "HTTPServer", "ServiceAccountSources",
                "KubernetesClient", "Locking", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
    ]
)
