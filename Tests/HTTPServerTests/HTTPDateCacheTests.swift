import Testing
@testable import HTTPServer

@Suite struct HTTPDateCacheTests {
    @Test(arguments: [
        (784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),  // RFC 9110's example
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_798_761_599, "Thu, 31 Dec 2026 23:59:59 GMT"),
    ])
    func formatsIMFFixdate(seconds: Int, expected: String) {
        #expect(String(decoding: HTTPDateCache.imfFixdate(seconds), as: UTF8.self) == expected)
    }

    @Test func formatsOncePerSecond() {
        var cache = HTTPDateCache()
        cache.refresh(at: 784_111_777)
        let first = cache.bytes
        cache.refresh(at: 784_111_777)
        // The same second keeps the same storage: nothing was formatted again.
        #expect(cache.bytes.withUnsafeBufferPointer { $0.baseAddress } == first.withUnsafeBufferPointer { $0.baseAddress })
        cache.refresh(at: 784_111_778)
        #expect(String(decoding: cache.bytes, as: UTF8.self) == "Sun, 06 Nov 1994 08:49:38 GMT")
    }
}
