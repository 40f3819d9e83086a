import Testing
@testable import TrustController

@Suite struct KubernetesTimeTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000000Z"),
        (1_796_170_510.25, "2026-12-02T00:15:10.250000Z"),
        (951_782_400.000001, "2000-02-29T00:00:00.000001Z"),
        (-0.5, "1969-12-31T23:59:59.500000Z"),
    ])
    func microTimeIsWhatTheAPIServerWrites(unixTime: Double, expected: String) {
        #expect(KubernetesTime.microTime(unixTime: unixTime) == expected)
    }

    @Test func microTimeReadsBackToTheSecond() {
        #expect(KubernetesTime.unixSeconds(KubernetesTime.microTime(unixTime: 1_796_170_510.9)) == 1_796_170_510)
        #expect(KubernetesTime.unixSeconds("yesterday") == nil)
    }
}
