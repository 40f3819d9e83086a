import Logging
import Locking

/// How log lines are written: `text` for people, `json` (one object per line) for log pipelines.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// A swift-log handler writing one line per event, as text or JSON. The line is formatted by the thread
/// that logs and queued whole on a `LogWriter`, which writes it to standard error off that thread; whole
/// lines in one buffer, so concurrent loops never interleave within a line.
public struct StructuredLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: LogLabel
    private let format: LogFormat
    private let writer: LogWriter

    public init(label: String, format: LogFormat, level: Logger.Level, writer: LogWriter) {
        self.label = LogLabel(label)
        self.format = format
        self.logLevel = level
        self.writer = writer
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // The usual case, a logger without metadata or a provider of its own, takes the event's as it is (no
        // merged copy); otherwise the event's wins over the provider's, which wins over the logger's.
        var merged = event.metadata ?? [:]
        if !metadata.isEmpty || metadataProvider != nil {
            merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        }
        let json = format == .json
        var message = event.message.description
        var line = message.withUTF8 { message in
            LogLine(format: format, level: event.level, label: label, message: message, overrides: json && !merged.isEmpty ? merged : nil)
        }
        // Pairs sorted by key: no second hash lookup per key.
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) where !(json && LogLine.isFixedInJSON(key)) {
            line.add(key, value)
        }
        line.finish { writer.append($0) }
    }

    /// Whether `log(level:message:fields:)` writes what `log(event:)` would for the same fields: true unless
    /// this handler adds metadata of its own.
    public var takesOrderedFields: Bool { metadata.isEmpty && metadataProvider == nil }

    /// A line whose fields the caller gives in key order (as `log(event:)` sorts them), with no metadata table
    /// between: the admission decision's line, once per request. Nothing is built when `level` is off.
    public func log(level: Logger.Level, message: StaticString, fields: (inout LogLine) -> Void) {
        guard logLevel <= level else { return }
        var line = LogLine(format: format, level: level, label: label,
                           message: UnsafeBufferPointer(start: message.utf8Start, count: message.utf8CodeUnitCount))
        fields(&line)
        line.finish { writer.append($0) }
    }
}

/// Installs the process-wide logging backend once, writing to standard error through one `LogWriter`; later
/// calls are ignored and return the same writer (tests may call it repeatedly).
public enum LoggingSetup {
    private static let installed = Locked<LogWriter?>(nil)

    @discardableResult
    public static func bootstrap(format: LogFormat, level: Logger.Level,
                                 bufferBytes: Int = LogWriter.Settings().capacityBytes) -> LogWriter {
        installed.withLock { installed in
            if let installed { return installed }
            var settings = LogWriter.Settings()
            settings.capacityBytes = bufferBytes
            let writer = LogWriter(descriptor: 2, settings: settings)
            installed = writer
            LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level, writer: writer) }
            return writer
        }
    }
}
