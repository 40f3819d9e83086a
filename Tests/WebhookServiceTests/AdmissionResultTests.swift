import HTTPServer
import JSONCore
import PodIdentity
import Testing
@testable import WebhookService

/// How a review's outcome maps to the HTTP answer and the `mutations_total{mode,result}` metric.
@Suite struct AdmissionResultTests {
    @Test func anAnnotatedServiceAccountGetsAPatchCountedAsMutated() async throws {
        let fixture = EndpointFixture()
        fixture.store.upsert(ServiceAccountKey(namespace: "team-a", name: "reader"),
                             ServiceAccountRecord(annotations: ["role-arn": EndpointFixture.roleARN]))
        let response = await fixture.review()
        #expect(response.status == 200)
        let answer = try ReviewAnswer(response)
        #expect(answer.allowed == true)
        let patch = try #require(answer.patch?.array)
        #expect(JSON.serializeToString(.array(patch)).contains(#""name":"AWS_ROLE_ARN","value":"\#(EndpointFixture.roleARN)""#))
        #expect(fixture.mutationsTotal(mode: .stsWebIdentity, result: .mutated) == "1")
    }

    @Test func aServiceAccountWithoutAnnotationsIsSkipped() async throws {
        let fixture = EndpointFixture()
        fixture.store.upsert(ServiceAccountKey(namespace: "team-a", name: "reader"), ServiceAccountRecord())
        let answer = try ReviewAnswer(await fixture.review())
        #expect(answer.allowed == true)
        #expect(answer.patch == nil)
        #expect(fixture.mutationsTotal(mode: .none, result: .skipped) == "1")
    }

    @Test func aServiceAccountNotInTheCacheWithoutALookupIsCountedMissing() async throws {
        let fixture = EndpointFixture()
        let answer = try ReviewAnswer(await fixture.review())
        #expect(answer.allowed == true)
        #expect(answer.patch == nil)
        #expect(fixture.mutationsTotal(mode: .none, result: .serviceAccountMissing) == "1")
    }

    @Test func anObjectThatIsNotAPodIsDenied() async throws {
        let fixture = EndpointFixture()
        let response = await fixture.review(object: ["apiVersion": "v1", "kind": "Pod", "spec": "not an object"])
        #expect(response.status == 200)
        let answer = try ReviewAnswer(response)
        #expect(answer.allowed == false)
        #expect(answer.message?.isEmpty == false)
        #expect(fixture.mutationsTotal(mode: .none, result: .denied) == "1")
    }

    @Test func aBodyThatIsNotAReviewIs400CountedAsError() async {
        let fixture = EndpointFixture()
        let response = await fixture.send(HTTPRequest(method: "POST", path: "/mutate",
                                                      headers: HTTPHeaders([("Content-Type", "application/json")]),
                                                      body: Array("{not json".utf8)))
        #expect(response.status == 400)
        #expect(fixture.mutationsTotal(mode: .none, result: .error) == "1")
    }
}
