import Logging
import PodIdentity
import ServiceAccountSources
import Testing
@testable import WebhookService

/// A pod whose ServiceAccount the watch has not delivered yet: the endpoint asks the API server directly.
@Suite struct CacheMissTests {
    private static func lookup(_ api: APIServerStub, store: ServiceAccountStore) throws -> ServiceAccountLookup {
        ServiceAccountLookup(client: try api.start(), store: store, annotationPrefix: MutationSettings().annotationPrefix,
                             logger: Logger(label: "test"))
    }

    @Test func aServiceAccountFoundByTheLookupIsUsedAndCached() async throws {
        let api = try APIServerStub(serviceAccounts: [
            APIServerStub.serviceAccount("reader", namespace: "team-a",
                                         annotations: ["eks.amazonaws.com/role-arn": EndpointFixture.roleARN]),
        ])
        defer { api.stop() }
        let store = ServiceAccountStore()
        let fixture = EndpointFixture(store: store, missResolver: try Self.lookup(api, store: store))
        let answer = try ReviewAnswer(await fixture.review())
        #expect(answer.allowed == true)
        #expect(answer.patch != nil)
        #expect(api.requests == ["GET /api/v1/namespaces/team-a/serviceaccounts/reader"])
        #expect(store.lookup(ServiceAccountKey(namespace: "team-a", name: "reader"))?.annotations["role-arn"] == EndpointFixture.roleARN)
        #expect(fixture.mutationsTotal(mode: .stsWebIdentity, result: .mutated) == "1")
    }

    @Test func aServiceAccountTheAPIServerDoesNotKnowIsCountedMissing() async throws {
        let api = try APIServerStub(serviceAccounts: [])
        defer { api.stop() }
        let store = ServiceAccountStore()
        let fixture = EndpointFixture(store: store, missResolver: try Self.lookup(api, store: store))
        let answer = try ReviewAnswer(await fixture.review(serviceAccount: "ghost"))
        #expect(answer.allowed == true)
        #expect(answer.patch == nil)
        #expect(api.requests == ["GET /api/v1/namespaces/team-a/serviceaccounts/ghost"])
        #expect(fixture.mutationsTotal(mode: .none, result: .serviceAccountMissing) == "1")
    }

    @Test func aZeroGracePeriodSkipsTheLookup() async throws {
        let api = try APIServerStub(serviceAccounts: [])
        defer { api.stop() }
        let store = ServiceAccountStore()
        let fixture = EndpointFixture(store: store, missResolver: try Self.lookup(api, store: store), lookupGracePeriod: .zero)
        let answer = try ReviewAnswer(await fixture.review())
        #expect(answer.patch == nil)
        #expect(api.requests.isEmpty)
    }
}
