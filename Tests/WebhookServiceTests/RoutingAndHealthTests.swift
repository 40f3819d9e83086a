import HTTPServer
import Testing
@testable import WebhookService

/// What the TLS port answers besides admission reviews: unknown paths, wrong methods and types, health.
@Suite struct RoutingAndHealthTests {
    @Test func anUnknownPathIs404() async {
        let response = await EndpointFixture().send(HTTPRequest(method: "GET", path: "/nothing-here"))
        #expect(response.status == 404)
    }

    @Test(arguments: ["GET", "PUT", "DELETE"])
    func mutateTakesOnlyPost(_ method: String) async {
        let response = await EndpointFixture().send(HTTPRequest(method: method, path: "/mutate"))
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "POST")
    }

    @Test func mutateTakesOnlyJSON() async {
        let request = HTTPRequest(method: "POST", path: "/mutate", headers: HTTPHeaders([("Content-Type", "text/plain")]),
                                  body: Array("{}".utf8))
        let response = await EndpointFixture().send(request)
        #expect(response.status == 415)
        #expect(String(decoding: response.body, as: UTF8.self).contains("invalid Content-Type text/plain"))
    }

    @Test(arguments: ["/healthz", "/livez", "/readyz"])
    func healthIsOKWhenEveryCheckPasses(_ path: String) async {
        let fixture = EndpointFixture()
        fixture.health.addCheck(.init(name: "service-accounts") { true })
        let response = await fixture.send(HTTPRequest(method: "GET", path: path))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
    }

    @Test func readyzNamesEveryFailingCheckWhileLivenessStaysOK() async {
        let fixture = EndpointFixture()
        fixture.health.addCheck(.init(name: "service-accounts") { false })
        fixture.health.addCheck(.init(name: "certificate") { true })
        fixture.health.beginShutdown()
        let ready = await fixture.send(HTTPRequest(method: "GET", path: "/readyz"))
        #expect(ready.status == 503)
        #expect(String(decoding: ready.body, as: UTF8.self)
                == "[-]service-accounts failed\n[-]shutting-down failed\nreadyz check failed")
        let live = await fixture.send(HTTPRequest(method: "GET", path: "/livez"))
        #expect(live.status == 200)
    }

    @Test func healthTakesOnlyGetAndHead() async {
        let response = await EndpointFixture().send(HTTPRequest(method: "POST", path: "/healthz"))
        #expect(response.status == 405)
        #expect(response.headers["allow"] == "GET, HEAD")
    }
}
