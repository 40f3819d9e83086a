#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WebhookService

/// `LogWriter` against real descriptors: a file takes every line, in order; a pipe nobody reads costs
/// counted drops, never a blocked `append`.
struct LogWriterTests {
    private static func line(_ n: Int) -> [UInt8] { Array("line \(n)\n".utf8) }

    @Test func everyLineAppendedBeforeFinishIsWrittenInOrder() throws {
        var template = Array("/tmp/log-writer-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        defer { close(descriptor); unlink(template) }
        let writer = LogWriter(descriptor: descriptor)
        for n in 0..<5000 { writer.append(Self.line(n)) }
        #expect(writer.finish(timeout: .seconds(10)))
        #expect(writer.droppedLines == 0)

        let size = Int(lseek(descriptor, 0, SEEK_END))
        var contents = [UInt8](repeating: 0, count: size)
        #expect(pread(descriptor, &contents, size, 0) == size)
        #expect(contents == (0..<5000).flatMap(Self.line))
    }

    @Test func aPipeNobodyReadsDropsAndCountsLinesWithoutBlocking() throws {
        signal(SIGPIPE, SIG_IGN)
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        var settings = LogWriter.Settings()
        settings.capacityBytes = LogWriter.Settings.minimumCapacityBytes
        let writer = LogWriter(descriptor: ends[1], settings: settings)
        // Far more than the pipe (64 KiB) and the buffer hold: every append must return.
        for n in 0..<50_000 { writer.append(Self.line(n)) }
        #expect(writer.droppedLines > 40_000)
        #expect(!writer.finish(timeout: .milliseconds(200)), "the writer cannot have written into a full pipe")
        close(ends[0])  // the writer's blocked write now fails (EPIPE): it drops the batch and finishes
        #expect(writer.finish(timeout: .seconds(10)))
        close(ends[1])
    }
}
