import Testing
@testable import HTTPServer

@Suite struct ServerConfigurationTests {
    @Test func cgroupQuotaCapsTheEventLoopCount() throws {
        let directory = Paths.temporaryDirectory()
        try Command.write("150000 100000\n", to: directory + "/limited")
        try Command.write("max 100000\n", to: directory + "/unlimited")
        #expect(ServerConfiguration.cgroupCPUQuota(path: directory + "/limited") == 2)
        #expect(ServerConfiguration.cgroupCPUQuota(path: directory + "/unlimited") == nil)
        #expect(ServerConfiguration.cgroupCPUQuota(path: directory + "/missing") == nil)
        #expect(ServerConfiguration.defaultEventLoopCount >= 1)
    }
}
