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

    /// The webhook lists and watches metadata only: a PartialObjectMetadata item gives what the full object gives
    /// (nothing the webhook keeps is outside `metadata`; `secrets`, `imagePullSecrets`, labels do not matter).
    @Test func aPartialObjectMetadataGivesTheSameEntryAsTheFullObject() throws {
        let metadata = #"{"name":"a","namespace":"n","resourceVersion":"7","annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::1:role/r","eks.amazonaws.com/audience":"sts"}}"#
        let full = try JSON.parse(#"{"apiVersion":"v1","kind":"ServiceAccount","metadata":"# + metadata + #","secrets":[{"name":"t"}],"imagePullSecrets":[{"name":"p"}],"automountServiceAccountToken":false}"#)
        let partial = try JSON.parse(#"{"apiVersion":"meta.k8s.io/v1","kind":"PartialObjectMetadata","metadata":"# + metadata + "}")
        let fromFull = try #require(ServiceAccountMetadata.entry(of: full, prefix: "eks.amazonaws.com"))
        let fromPartial = try #require(ServiceAccountMetadata.entry(of: partial, prefix: "eks.amazonaws.com"))
        #expect(fromPartial.key == fromFull.key)
        #expect(fromPartial.record == fromFull.record)
        #expect(fromPartial.record.annotations == ["role-arn": "arn:aws:iam::1:role/r", "audience": "sts"])
    }

    @Test func objectsWithoutNameOrNamespaceAreSkipped() throws {
        #expect(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a"}}"#), prefix: "p") == nil)
        let unannotated = try #require(ServiceAccountMetadata.entry(of: try JSON.parse(#"{"metadata":{"name":"a","namespace":"b"}}"#), prefix: "p"))
        #expect(unannotated.record.annotations.isEmpty)
    }
}
