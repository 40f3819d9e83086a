import Testing
@testable import KubernetesClient

@Suite struct QueryEncodingTests {
    @Test(arguments: [
        ("metadata.name=pod-identity-webhook", "metadata.name%3Dpod-identity-webhook"),
        ("eyJ2+/=", "eyJ2%2B%2F%3D"),
    ])
    func queryValuesArePercentEncoded(value: String, encoded: String) {
        #expect(QueryEncoding.encode(value) == encoded)
    }
}
