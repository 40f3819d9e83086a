import Glibc
import JSONCore
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
    private let label: String
    private let format: LogFormat
    private let writer: LogWriter

    public init(label: String, format: LogFormat, level: Logger.Level, writer: LogWriter) {
        self.label = label
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
        switch format {
        case .json:
            jsonLine(event, merged).withBytes { writer.append($0) }
        case .text:
            var line = textLine(event, merged)
            line.append(0x0A)
            writer.append(line)
        }
    }

    /// Written straight to bytes (no `JSONValue` tree): this runs on the event loop once per decision.
    /// The four fixed fields come first; metadata of the same name takes their place, as a later key would.
    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> JSONByteWriter {
        var out = JSONByteWriter(capacity: 512)
        func field(_ name: StaticString, _ key: String, _ fallback: String) {
            out.raw(name)
            if let value = metadata[key] { Self.json(value, into: &out) } else { out.string(fallback) }
        }
        field("{\"time\":", "time", Self.timestamp())
        field(",\"level\":", "level", event.level.rawValue)
        field(",\"logger\":", "logger", label)
        field(",\"msg\":", "msg", event.message.description)
        // Pairs sorted by key: no second hash lookup per key.
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) where !Self.isFixed(key) {
            out.raw(byte: UInt8(ascii: ","))
            out.string(key)
            out.raw(byte: UInt8(ascii: ":"))
            Self.json(value, into: &out)
        }
        out.raw("}\n")
        return out
    }

    private static func isFixed(_ key: String) -> Bool {
        key == "time" || key == "level" || key == "logger" || key == "msg"
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var text = "\(Self.timestamp()) \(event.level.rawValue.uppercased()) \(label): \(event.message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(Self.text(value))" }
        return Array(text.utf8)
    }

    private static func json(_ value: Logger.Metadata.Value, into out: inout JSONByteWriter) {
        switch value {
        case .string(let string): out.string(string)
        case .stringConvertible(let convertible): out.string(convertible.description)
        case .array(let values):
            out.raw(byte: UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.raw(byte: UInt8(ascii: ",")) }
                json(element, into: &out)
            }
            out.raw(byte: UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            out.raw(byte: UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out.raw(byte: UInt8(ascii: ",")) }
                out.string(key)
                out.raw(byte: UInt8(ascii: ":"))
                json(dictionary[key]!, into: &out)
            }
            out.raw(byte: UInt8(ascii: "}"))
        }
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        let plain = value.description
        // Quote values with spaces so `key=value` pairs stay parseable.
        return plain.contains(" ") || plain.isEmpty ? JSON.serializeToString(.string(plain)) : plain
    }

    /// RFC 3339 UTC with milliseconds, without Foundation: `2026-12-01T23:59:59.123Z`, digits written in place.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        return String(unsafeUninitializedCapacity: 24) { out in
            var at = 0
            func digits(_ value: Int32, _ width: Int, then separator: UInt8) {
                var rest = value
                for place in stride(from: width - 1, through: 0, by: -1) {
                    out[at + place] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                }
                out[at + width] = separator
                at += width + 1
            }
            digits(parts.tm_year + 1900, 4, then: UInt8(ascii: "-"))
            digits(parts.tm_mon + 1, 2, then: UInt8(ascii: "-"))
            digits(parts.tm_mday, 2, then: UInt8(ascii: "T"))
            digits(parts.tm_hour, 2, then: UInt8(ascii: ":"))
            digits(parts.tm_min, 2, then: UInt8(ascii: ":"))
            digits(parts.tm_sec, 2, then: UInt8(ascii: "."))
            digits(Int32(now.tv_nsec / 1_000_000), 3, then: UInt8(ascii: "Z"))
            return at
        }
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
