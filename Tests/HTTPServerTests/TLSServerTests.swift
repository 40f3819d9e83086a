import Glibc
import Logging
import HTTPServer
import Testing
import TLSSupport

/// The TLS listener with real clients: curl (HTTP/2 and HTTP/1.1), openssl s_client, h2load.
@Suite struct TLSServerTests {
    private func curl(_ running: RunningServer, _ extra: [String], path: String = "/echo?x=1") throws -> Command.Result {
        try Command.run(["curl", "-sS", "--cacert", running.caFile, "--max-time", "10",
                         "-w", "\n%{http_version} %{response_code}"] + extra + [running.url + path])
    }

    @Test func http2IsNegotiatedByALPNAndServesConcurrentStreams() throws {
        let running = try RunningServer.start()
        defer { running.stop() }
        let result = try curl(running, ["--http2", "-d", "hello-h2", "-D", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("x-version: HTTP/2"))
        #expect(result.stdout.contains("hello-h2\n2 200"))
        // Several streams on one connection, some answered from another thread.
        let parallel = try Command.run(["curl", "-sS", "--cacert", running.caFile, "--http2", "--parallel",
                                        "--parallel-immediate", "--max-time", "10", "-w", "%{http_version}\n"]
                                       + (0..<6).map { "\(running.url)/\($0 % 2 == 0 ? "async" : "sync")" })
        #expect(parallel.status == 0, "\(parallel.stderr)")
        #expect(parallel.stdout.split(separator: "\n").filter { $0 == "2" }.count == 6)
    }

    @Test func http11IsServedWhenAskedForOrWithoutALPN() throws {
        let running = try RunningServer.start()
        defer { running.stop() }
        let asked = try curl(running, ["--http1.1", "-d", "hello-h1"])
        #expect(asked.stdout.hasSuffix("hello-h1\n1.1 200"), "\(asked.stdout) \(asked.stderr)")
        let noALPN = try curl(running, ["--no-alpn", "-d", "plain"])
        #expect(noALPN.stdout.hasSuffix("plain\n1.1 200"), "\(noALPN.stdout) \(noALPN.stderr)")
    }

    @Test func oldTLSVersionsAreRefusedAndTLS13MinimumWorks() throws {
        let running = try RunningServer.start()
        defer { running.stop() }
        let tls11 = try Command.run(["openssl", "s_client", "-connect", "127.0.0.1:\(running.port)", "-tls1_1"],
                                    timeoutSeconds: 10)
        #expect(tls11.status != 0)
        let alpn = try Command.run(["openssl", "s_client", "-connect", "127.0.0.1:\(running.port)", "-alpn", "h2,http/1.1"],
                                   timeoutSeconds: 10)
        #expect(alpn.stdout.contains("ALPN protocol: h2"), "\(alpn.stdout)")
        try waitUntil { running.observer.count("handshakeFailed") >= 1 }

        let certificates = try Paths.makeCertificates()
        var logger = Logger(label: "tls13")
        logger.logLevel = .critical
        let tls13 = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0,
                tls: TLSServerSettings(certificatePath: certificates + "/tls.crt", keyPath: certificates + "/tls.key",
                                       minimumVersion: .tls13), eventLoopCount: 1),
            handler: EchoHandler(), logger: logger)
        try tls13.start()
        defer { tls13.waitForDrain(timeout: .seconds(5)) }
        let refused = try Command.run(["openssl", "s_client", "-connect", "127.0.0.1:\(tls13.localPort)", "-tls1_2"],
                                      timeoutSeconds: 10)
        #expect(refused.status != 0)
        let accepted = try Command.run(["curl", "-sS", "--cacert", certificates + "/ca.crt", "--tlsv1.3",
                                        "https://localhost:\(tls13.localPort)/ok"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    /// Go's order, whatever the client lists first: AES-128-GCM, then ChaCha20, then AES-256-GCM.
    @Test func tls13SuitesAreChosenInGosOrder() throws {
        let running = try RunningServer.start()
        defer { running.stop() }
        func negotiated(_ offered: String) throws -> String {
            let result = try Command.run(["openssl", "s_client", "-connect", "127.0.0.1:\(running.port)", "-tls1_3",
                                          "-ciphersuites", offered], timeoutSeconds: 10)
            return result.stdout.split(separator: "\n").first { $0.contains("Cipher is") }.map(String.init) ?? result.stdout
        }
        #expect(try negotiated("TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256").hasSuffix("TLS_AES_128_GCM_SHA256"))
        #expect(try negotiated("TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256").hasSuffix("TLS_CHACHA20_POLY1305_SHA256"))
        #expect(try negotiated("TLS_AES_256_GCM_SHA384").hasSuffix("TLS_AES_256_GCM_SHA384"))
    }

    @Test func h2loadCompletesEveryRequestOverHTTP2AndHTTP11() throws {
        let running = try RunningServer.start()
        defer { running.stop() }
        let body = Paths.temporaryDirectory() + "/body.json"
        try Command.write(String(repeating: "{\"k\":\"v\"}", count: 300), to: body)
        let h2 = try Command.run(["h2load", "-n", "400", "-c", "4", "-m", "10", "-d", body, running.url + "/"],
                                 timeoutSeconds: 60)
        #expect(h2.stdout.contains("400 succeeded, 0 failed, 0 errored"), "\(h2.stdout) \(h2.stderr) \(h2.status)")
        let h1 = try Command.run(["h2load", "-n", "200", "-c", "4", "--h1", running.url + "/"], timeoutSeconds: 60)
        #expect(h1.stdout.contains("200 succeeded, 0 failed, 0 errored"), "\(h1.stdout)")
    }

    @Test func http2ResponseStuckBehindAClosedFlowControlWindowIsResetAfterTheWriteTimeout() throws {
        var limits = ServerLimits()
        limits.writeTimeout = .seconds(1)
        let running = try RunningServer.start(limits: limits)
        defer { running.stop() }
        let body = Paths.temporaryDirectory() + "/body"
        try Command.write(String(repeating: "x", count: 1000), to: body)
        // -w 0: the client's stream window is 0 bytes, so the echoed body can never be sent.
        let started = monotonicSeconds()
        let result = try Command.run(["h2load", "-n", "1", "-c", "1", "-w", "0", "-N", "20", "-d", body, running.url + "/"],
                                     timeoutSeconds: 40)
        #expect(result.stdout.contains("0 succeeded"), "\(result.stdout)")
        #expect(monotonicSeconds() - started < 15)
        try waitUntil { running.observer.count("writeTimeout") == 1 }
    }

    @Test func certificateChangesAreServedAndABrokenPairKeepsTheOldOne() throws {
        // The served files are symlinks into a "..data"-style directory, swapped like a Kubernetes Secret volume.
        let first = try Paths.makeCertificates()
        let second = try Paths.makeCertificates()
        let volume = Paths.temporaryDirectory()
        #expect(symlink(first, volume + "/..data") == 0)
        #expect(symlink("..data/tls.crt", volume + "/tls.crt") == 0)
        #expect(symlink("..data/tls.key", volume + "/tls.key") == 0)
        let observer = RecordingObserver()
        var logger = Logger(label: "reload")
        logger.logLevel = .critical
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0,
                tls: TLSServerSettings(certificatePath: volume + "/tls.crt", keyPath: volume + "/tls.key"),
                eventLoopCount: 1, certificateReloadInterval: .milliseconds(100)),
            handler: EchoHandler(), logger: logger, observer: observer)
        try server.start()
        defer { server.waitForDrain(timeout: .seconds(5)) }
        let url = "https://localhost:\(server.localPort)/"
        #expect(try Command.run(["curl", "-sS", "--cacert", first + "/ca.crt", url]).status == 0)

        // Swap: the new CA is trusted, the old one no longer matches.
        #expect(symlink(second, volume + "/..data_tmp") == 0)
        #expect(rename(volume + "/..data_tmp", volume + "/..data") == 0)
        try waitUntil { observer.count("reload:true") == 1 }
        let afterSwap = try Command.run(["curl", "-sS", "--cacert", second + "/ca.crt", url])
        #expect(afterSwap.status == 0, "\(afterSwap.stderr)")
        #expect(try Command.run(["curl", "-sS", "--cacert", first + "/ca.crt", url]).status != 0)

        // A key that does not match: reported, and the second pair stays in service.
        let broken = Paths.temporaryDirectory()
        #expect(symlink(second + "/tls.crt", broken + "/tls.crt") == 0)
        #expect(symlink(first + "/tls.key", broken + "/tls.key") == 0)
        #expect(symlink(broken, volume + "/..data_tmp") == 0)
        #expect(rename(volume + "/..data_tmp", volume + "/..data") == 0)
        try waitUntil { observer.count("reload:false") == 1 }
        #expect(try Command.run(["curl", "-sS", "--cacert", second + "/ca.crt", url]).status == 0)
        #expect(server.servingCertificateNotAfter != nil)
    }

    @Test func startErrorsNameTheFileOrTheAddress() throws {
        var logger = Logger(label: "errors")
        logger.logLevel = .critical
        let missing = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0,
                tls: TLSServerSettings(certificatePath: "/nonexistent/tls.crt", keyPath: "/nonexistent/tls.key")),
            handler: EchoHandler(), logger: logger)
        #expect { try missing.start() } throws: { "\($0)".contains("/nonexistent/tls.crt") }

        // SO_REUSEPORT lets the same user share a port, so use an address this machine does not have.
        let unbindable = HTTPServer(configuration: ServerConfiguration(host: "192.0.2.1", port: 8443, tls: nil),
                                    handler: EchoHandler(), logger: logger)
        #expect { try unbindable.start() } throws: { "\($0)".contains("192.0.2.1:8443") && "\($0)".contains("address") }
    }
}

@Suite struct TLSSettingsTests {
    @Test func unknownCipherSuiteIsNamedWithoutOpeningFiles() {
        #expect(throws: TLSSettingsError.unknownCipherSuite("TLS_FAKE_WITH_NOTHING")) {
            try TLSServerSettings.validate(minimumVersion: "", cipherSuites: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_FAKE_WITH_NOTHING")
        }
    }

    @Test func ianaOpenSSLAndTLS13NamesAreAccepted() throws {
        let (version, suites) = try TLSServerSettings.validate(
            minimumVersion: "VersionTLS13",
            cipherSuites: " TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,,ECDHE-ECDSA-AES256-GCM-SHA384,TLS_AES_128_GCM_SHA256 ")
        #expect(version == .tls13)
        #expect(suites == ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_AES_128_GCM_SHA256"])
    }

    @Test func versionsAreParsedLikeUpstreamButOldOnesRefused() throws {
        #expect(try TLSMinimumVersion(flagValue: "1.2") == .tls12)
        #expect(try TLSMinimumVersion(flagValue: "") == .tls12)
        #expect(throws: TLSSettingsError.insecureMinimumVersion("1.1")) { try TLSMinimumVersion(flagValue: "1.1") }
        #expect(throws: TLSSettingsError.insecureMinimumVersion("VersionTLS10")) { try TLSMinimumVersion(flagValue: "VersionTLS10") }
        #expect(throws: TLSSettingsError.unsupportedMinimumVersion("1.4")) { try TLSMinimumVersion(flagValue: "1.4") }
    }
}

@Suite struct CertificateReloaderTests {
    @Test func changesAreReportedOnceAndAMissingFileIsAFailureNamingIt() throws {
        let first = try Paths.makeCertificates()
        let second = try Paths.makeCertificates()
        let live = Paths.temporaryDirectory()
        let copy = { (from: String) throws in
            try Command.write(Command.read(from + "/tls.crt"), to: live + "/tls.crt")
            try Command.write(Command.read(from + "/tls.key"), to: live + "/tls.key")
        }
        try copy(first)
        let reloader = try CertificateReloader(settings: TLSServerSettings(certificatePath: live + "/tls.crt",
                                                                           keyPath: live + "/tls.key"))
        let original = reloader.current
        #expect(reloader.checkForChanges() == nil)
        try copy(second)
        guard case .reloaded(let notAfter) = reloader.checkForChanges() else { Issue.record("no reload"); return }
        #expect(notAfter != nil && reloader.current !== original)
        #expect(reloader.checkForChanges() == nil)

        unlink(live + "/tls.key")
        guard case .failed(let error) = reloader.checkForChanges() else { Issue.record("no failure"); return }
        #expect(error.description.contains(live + "/tls.key"))
        #expect(reloader.checkForChanges() == nil)  // reported once
        try copy(second)
        #expect(reloader.checkForChanges() == nil)  // same pair as served
        unlink(live + "/tls.key")
        #expect(reloader.checkForChanges() != nil)  // a new failure is reported again
    }
}
