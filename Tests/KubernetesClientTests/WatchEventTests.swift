import JSONCore
import PodIdentity
import Testing
@testable import KubernetesClient

@Suite struct WatchEventTests {
    func event(_ text: String) throws -> WatchEvent { try WatchEvent(line: Array(text.utf8)) }

    @Test func addedEventCarriesObjectAndResourceVersion() throws {
        let added = try event(#"{"type":"ADDED","object":{"kind":"ServiceAccount","metadata":{"name":"a","namespace":"n","resourceVersion":"42","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/r","other.io/x":"y"}}}}"#)
        #expect(added.kind == .added)
        #expect(added.resourceVersion == "42")
        let entry = try #require(ServiceAccountMetadata.entry(of: added.object, prefix: "eks.amazonaws.com"))
        #expect(entry.key == ServiceAccountKey(namespace: "n", name: "a"))
        #expect(entry.record.annotations == ["role-arn": "arn:aws:iam::1:role/r"])
    }

    @Test func bookmarkAndErrorEvents() throws {
        let bookmark = try event(#"{"type":"BOOKMARK","object":{"kind":"ServiceAccount","metadata":{"resourceVersion":"99"}}}"#)
        #expect(bookmark.kind == .bookmark)
        #expect(bookmark.resourceVersion == "99")
        let error = try event(#"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#)
        #expect(error.kind == .error)
        #expect(error.errorStatus.code == 410)
        #expect(error.errorStatus.message == "too old resource version: 1 (5)")
    }

    @Test func malformedEventsAreErrorsNotCrashes() {
        for bad in ["not json", #"{"object":{}}"#, #"{"type":"RENAMED","object":{}}"#, #"{"type":"ADDED"}"#, #"{"type":"ADDED","object":"x"}"#] {
            #expect(throws: KubernetesAPIError.self) { try event(bad) }
        }
    }

    @Test func objectsWithoutNameOrNamespaceAreSkipped() throws {
        #expect(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a"}}"#), prefix: "p") == nil)
        let unannotated = try #require(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a","namespace":"b"}}"#), prefix: "p"))
        #expect(unannotated.record.annotations.isEmpty)
    }
}
