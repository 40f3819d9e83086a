import Testing
@testable import KubernetesClient

@Suite struct WatchEventTests {
    func event(_ text: String) throws -> WatchEvent { try WatchEvent(line: Array(text.utf8)) }

    @Test func addedEventCarriesObjectAndResourceVersion() throws {
        let added = try event(#"{"type":"ADDED","object":{"kind":"ServiceAccount","metadata":{"name":"a","namespace":"n","resourceVersion":"42"}}}"#)
        #expect(added.kind == .added)
        #expect(added.resourceVersion == "42")
        #expect(added.object["metadata"]?["name"]?.string == "a")
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

    @Test(arguments: ["not json", #"{"object":{}}"#, #"{"type":"RENAMED","object":{}}"#, #"{"type":"ADDED"}"#, #"{"type":"ADDED","object":"x"}"#])
    func malformedEventsAreMalformedResponses(line: String) {
        #expect { try event(line) } throws: { error in
            if case .malformedResponse = error as? KubernetesAPIError { return true }
            return false
        }
    }
}
