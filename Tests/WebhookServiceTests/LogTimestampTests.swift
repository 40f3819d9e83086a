import Testing
@testable import WebhookService

/// The log line's timestamp (its calendar arithmetic is checked in UTCCalendarTests).
struct LogTimestampTests {
    @Test func timestampIsRFC3339InUTCWithMilliseconds() {
        let text = LogLine.withTimestamp(seconds: 1_764_633_599, milliseconds: 7) { String(decoding: $0, as: UTF8.self) }
        #expect(text == "2025-12-01T23:59:59.007Z")
    }
}
