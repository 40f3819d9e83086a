import JSONCore
import PodIdentity
import Testing
@testable import ServiceAccountSources

@Suite struct ServiceAccountMetadataTests {
    @Test func onlyThePrefixAnnotationsAreKept() throws {
        let object = try JSON.parse(#"{"kind":"ServiceAccount","metadata":{"name":"a","namespace":"n","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/r","other.io/x":"y"}}}"#)
        let entry = try #require(ServiceAccountMetadata.entry(of: object, prefix: "eks.amazonaws.com"))
        #expect(entry.key == ServiceAccountKey(namespace: "n", name: "a"))
        #expect(entry.record.annotations == ["role-arn": "arn:aws:iam::1:role/r"])
    }

    @Test func objectsWithoutNameOrNamespaceAreSkipped() throws {
        #expect(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a"}}"#), prefix: "p") == nil)
        let unannotated = try #require(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a","namespace":"b"}}"#), prefix: "p"))
        #expect(unannotated.record.annotations.isEmpty)
    }
}
