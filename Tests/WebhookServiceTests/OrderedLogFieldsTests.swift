#if canImport(Glibc)
import Glibc
#endif
import Logging
import PodIdentity
import Testing
@testable import WebhookService

/// A line whose fields the caller gives in key order (the admission decision's) is byte for byte the line the
/// handler writes for the same fields given as metadata, in both formats; only the timestamp may differ.
struct OrderedLogFieldsTests {
    private static let warnings = ["container app: token expiration 100 raised to 600", "second \"quoted\""]

    private static func fields(into line: inout some LogFields) {
        line.add("lookup", literal: "api")
        line.add("mode", "sts_web_identity")
        line.add("namespace", "team a")
        // Written piece by piece into a line, as one string into metadata; a value that needs escaping.
        line.add("reason", reason: .alreadyComplete(.roleAnnotation(prefix: "eks.amazonaws.com", ServiceAccountKey(namespace: "team-a", name: "re\"ader"))))
        line.add("serviceAccount", "reader")
        line.add("uid", "")
        line.add("warnings", strings: warnings)
    }

    @Test(arguments: LogFormat.allCases)
    func orderedFieldsWriteTheLineMetadataWould(format: LogFormat) throws {
        var template = Array("/tmp/ordered-log-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        defer { close(descriptor); unlink(template) }
        let writer = LogWriter(descriptor: descriptor)
        let handler = StructuredLogHandler(label: "webhook", format: format, level: .info, writer: writer)
        #expect(handler.takesOrderedFields)

        var metadata = Logger.Metadata()
        Self.fields(into: &metadata)
        handler.log(event: LogEvent(level: .info, message: "admission decision", metadata: metadata, source: "test",
                                    file: #fileID, function: #function, line: #line))
        handler.log(level: .info, message: "admission decision") { Self.fields(into: &$0) }
        handler.log(level: .debug, message: "not written: below the level") { Self.fields(into: &$0) }
        #expect(writer.finish(timeout: .seconds(10)))

        let size = Int(lseek(descriptor, 0, SEEK_END))
        var contents = [UInt8](repeating: 0, count: size)
        #expect(pread(descriptor, &contents, size, 0) == size)
        let lines = String(decoding: contents, as: UTF8.self).split(separator: "\n").map { line in
            // The timestamp (24 characters, after `{"time":"` in JSON) may differ by a millisecond.
            let timeStart = format == .json ? 9 : 0
            return String(line.prefix(timeStart)) + String(line.dropFirst(timeStart + 24))
        }
        #expect(lines.count == 2)
        #expect(lines.first == lines.last)
        #expect(lines.first?.contains("warnings") == true)
    }
}
