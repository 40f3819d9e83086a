import Foundation
import PodIdentity
import ServiceAccountSources
import Testing
import Locking

@Suite("Local manifest source and container-credentials watcher")
struct LocalSourcesTests {
    func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "sa-sources-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    let serviceAccounts = """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: demo
          namespace: default
          annotations:
            eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/demo
            other.example.com/x: ignored
        ---
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"pod-identity-webhook"},"data":{"config":"{\\"*/runner\\":{\\"RoleARN\\":\\"r\\"},\\"bad\\":{}}"}}
        """

    @Test func loadsAFolderKeepsTheLastGoodStateOnABadFileAndReloadsOnChange() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/accounts.yaml"
        try serviceAccounts.write(toFile: file, atomically: true, encoding: .utf8)
        try "ignored".write(toFile: folder + "/.hidden.yaml", atomically: true, encoding: .utf8)
        let store = ServiceAccountStore(), sources = IdentitySources()
        let events = Locked<[LocalManifestSource.Event]>([])
        let source = LocalManifestSource(path: folder, annotationPrefix: "eks.amazonaws.com", store: store, sources: sources) { event in
            events.withLock { $0.append(event) }
        }
        #expect(!source.hasSynced)
        #expect(source.reload())
        #expect(source.hasSynced)
        #expect(store.lookup(ServiceAccountKey(namespace: "default", name: "demo")) == ServiceAccountRecord(annotations: ["role-arn": "arn:aws:iam::111122223333:role/demo"]))
        #expect(sources.snapshot.roleMappings.lookup(ServiceAccountKey(namespace: "x", name: "runner"))?.roleARN == "r")
        guard case .loaded(1, 1, let warnings)? = events.withLock({ $0.last }) else { Issue.record("no loaded event"); return }
        #expect(warnings.count == 1)

        try "kind: ServiceAccount\nmetadata: {name: [oops]}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!source.reload())
        #expect(!source.reload())  // unchanged bad content: reported once
        #expect(store.count == 1)
        let failures = events.withLock { $0.filter { if case .failed = $0 { return true }; return false } }
        #expect(failures.count == 1)
        if case .failed(let error)? = failures.first { #expect(error.description.contains("document 1")) }

        try "kind: ServiceAccount\nmetadata: {name: other, namespace: ns}\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(source.reload())
        #expect(store.snapshot().keys.map(\.description) == ["ns/other"])
        #expect(sources.snapshot.roleMappings.isEmpty)
    }

    @Test func containerCredentialsWatcherClearsOnMissingAndKeepsLastGoodOnMalformed() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/cc.json"
        let sources = IdentitySources()
        let watcher = ContainerCredentialsFileWatcher(path: file, sources: sources) { _ in }
        #expect(watcher.reload())
        #expect(sources.snapshot.containerCredentials.count == 0)
        try #"{"identities":[{"namespace":"a","serviceAccount":"b"}]}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(watcher.reload())
        #expect(sources.snapshot.containerCredentials.contains(ServiceAccountKey(namespace: "a", name: "b")))
        try "{broken".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(!watcher.reload())
        #expect(sources.snapshot.containerCredentials.count == 1)
        try FileManager.default.removeItem(atPath: file)
        #expect(watcher.reload())
        #expect(sources.snapshot.containerCredentials.count == 0)
    }

    @Test func pollingPicksUpAChangeWithinABoundedDeadline() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/sa.yaml"
        try "kind: ServiceAccount\nmetadata: {name: one}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let store = ServiceAccountStore()
        let source = LocalManifestSource(path: file, annotationPrefix: "eks.amazonaws.com", store: store, sources: IdentitySources(),
                                         pollInterval: .milliseconds(20)) { _ in }
        source.reload()
        source.start()
        defer { source.stop() }
        try "kind: ServiceAccount\nmetadata: {name: two}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let deadline = ContinuousClock.now + .seconds(10)
        while store.lookup(ServiceAccountKey(namespace: "default", name: "two")) == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(store.lookup(ServiceAccountKey(namespace: "default", name: "two")) != nil)
    }

    @Test func manifestErrorsNameTheDocument() {
        let error = #expect(throws: ManifestError.self) { try ManifestParser.parse("a: 1\n---\n{bad json", source: "f.yaml") }
        #expect(error?.source == "f.yaml")
        #expect(error?.document == "document 2 (line 2)")
        #expect(error?.reason.hasPrefix("invalid JSON") == true)
    }
}
