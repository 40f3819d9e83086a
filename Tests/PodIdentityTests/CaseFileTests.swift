import JSONCore
import PodIdentity
import Testing

@Suite("Behaviour cases (Cases/*.yaml)")
struct CaseFileTests {
    static let cases: [CaseFile] = (try? CaseFile.all()) ?? []

    @Test func casesAreLoaded() throws {
        #expect(try CaseFile.all().count >= 40)
    }

    @Test(arguments: cases)
    func caseProducesExpectedPatch(_ testCase: CaseFile) throws {
        let mutator = PodMutator(settings: testCase.settings, jitter: .fixed(79200))
        let pod = try PodDocument(testCase.pod)
        // What the API server sends as request.namespace.
        let namespace = pod.namespace.isEmpty ? "default" : pod.namespace
        let key = mutator.serviceAccountKey(for: pod, namespace: namespace)
        let decision = mutator.mutate(pod, namespace: namespace, record: testCase.serviceAccounts[key], snapshot: testCase.snapshot)

        let patch = JSONValue.array(decision.patch.map(\.jsonValue))
        #expect(patch == testCase.expectedPatch,
                "\(testCase.description)\n  actual:   \(JSON.serializeToString(patch))\n  expected: \(JSON.serializeToString(testCase.expectedPatch))")
        if let mode = testCase.expectedMode { #expect(decision.mode.rawValue == mode) }
        #expect(decision.warnings.count == testCase.expectedWarnings.count, "warnings: \(decision.warnings)")
        for expected in testCase.expectedWarnings {
            #expect(decision.warnings.contains { $0.contains(expected) }, "no warning containing \(expected) in \(decision.warnings)")
        }

        // Idempotent: the patched pod needs nothing more.
        let patched = try IndependentJSONPatch.apply(decision.patch, to: testCase.pod)
        let again = mutator.mutate(try PodDocument(patched), namespace: namespace, record: testCase.serviceAccounts[key],
                                   snapshot: testCase.snapshot)
        #expect(again.patch.isEmpty, "second pass patch: \(again.patch.map(\.path))")
    }
}
