import CNGHTTP2
import Testing
@testable import HTTPServer

/// The response header list handed to nghttp2: names and values in order, decimals spelled out, and the buffer
/// reused (cleared, never carrying a previous response's fields).
@Suite struct HTTP2HeaderListTests {
    private static func submitted(_ list: inout HTTP2HeaderList) -> [String] {
        list.withHeaderList { entries, count in
            (0..<count).map { index in
                let entry = entries[index]
                return String(decoding: UnsafeBufferPointer(start: entry.name, count: entry.namelen), as: UTF8.self) + ": "
                    + String(decoding: UnsafeBufferPointer(start: entry.value, count: entry.valuelen), as: UTF8.self)
            }
        }
    }

    @Test func fieldsInOrderWithDecimals() {
        var list = HTTP2HeaderList()
        list.add(name: ":status", decimal: 200)
        list.add(name: "date", value: Array("Sun, 06 Nov 1994 08:49:37 GMT".utf8))
        list.add(name: "content-type".utf8, value: "application/json".utf8)
        list.add(name: "content-length", decimal: 0)
        #expect(Self.submitted(&list) == [":status: 200", "date: Sun, 06 Nov 1994 08:49:37 GMT",
                                          "content-type: application/json", "content-length: 0"])
    }

    @Test func clearedBetweenResponses() {
        var list = HTTP2HeaderList()
        list.add(name: ":status", decimal: 413)
        list.add(name: "x-long-name-for-the-first-response".utf8, value: "v".utf8)
        _ = Self.submitted(&list)
        list.removeAll()
        list.add(name: ":status", decimal: 204)
        #expect(Self.submitted(&list) == [":status: 204"])
        #expect(list.count == 1)
    }

    @Test(arguments: [(0, "0"), (7, "7"), (10, "10"), (4336, "4336"), (Int.max, "9223372036854775807")])
    func decimals(value: Int, expected: String) {
        var out: [UInt8] = Array("x=".utf8)
        ASCII.appendDecimal(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x=" + expected)
    }

    @Test(arguments: [("/mutate?timeout=10s", "/mutate", "timeout=10s"), ("/mutate", "/mutate", ""),
                      ("/?", "/", ""), ("/a?b?c", "/a", "b?c"), ("/é?q=ü", "/é", "q=ü")])
    func pathAndQuery(target: String, path: String, query: String) {
        #expect(HTTP2Session.splitPath(target) == (path, query))
    }
}
