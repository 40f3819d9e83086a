// swift-tools-version:6.2
// libFuzzer harnesses, one executable per target. A separate package so fuzz executables never enter the main
// build. Build and run with `make fuzz` (scripts/fuzz.sh), which passes the flags the harnesses need:
//   swift build --package-path Fuzz --scratch-path .build-fuzz -c debug --sanitize=fuzzer \
//     -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=address -Xswiftc -use-ld=lld
// (scripts/fuzz.sh says why each flag is needed on Linux).
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let modules = Target.Dependency.product(name: "WebhookFuzzableModules", package: "pod-identity-webhook")

let package = Package(
    name: "pod-identity-webhook-fuzz",
    dependencies: [.package(name: "pod-identity-webhook", path: "..")],
    targets: ["FuzzHTTP1Parser", "FuzzJSON", "FuzzAdmissionReview", "FuzzManifest", "FuzzKubeconfig"].map {
        .executableTarget(name: $0, dependencies: [modules], swiftSettings: swiftSettings)
    }
)
