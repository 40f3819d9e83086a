import Glibc
import JSONCore
import Logging
import Synchronization

/// How log lines are written: `text` for people, `json` (one object per line) for log pipelines.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// A swift-log handler writing one line per event to standard error, as text or JSON.
/// Lines are written with a single `write(2)` so concurrent loops never interleave within a line.
public struct StructuredLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: LogFormat

    public init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var line: [UInt8]
        switch format {
        case .json: line = jsonLine(event, merged)
        case .text: line = textLine(event, merged)
        }
        line.append(0x0A)
        line.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    private func jsonLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var object = JSONObject([
            (key: "time", value: .string(Self.timestamp())),
            (key: "level", value: .string(event.level.rawValue)),
            (key: "logger", value: .string(label)),
            (key: "msg", value: .string(event.message.description)),
        ])
        for key in metadata.keys.sorted() { object[key] = Self.json(metadata[key]!) }
        return JSON.serialize(.object(object))
    }

    private func textLine(_ event: LogEvent, _ metadata: Logger.Metadata) -> [UInt8] {
        var text = "\(Self.timestamp()) \(event.level.rawValue.uppercased()) \(label): \(event.message)"
        for key in metadata.keys.sorted() { text += " \(key)=\(Self.text(metadata[key]!))" }
        return Array(text.utf8)
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let string): .string(string)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let dictionary):
            .object(JSONObject(dictionary.keys.sorted().map { (key: $0, value: json(dictionary[$0]!)) }))
        }
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        let plain = value.description
        // Quote values with spaces so `key=value` pairs stay parseable.
        return plain.contains(" ") || plain.isEmpty ? JSON.serializeToString(.string(plain)) : plain
    }

    /// RFC 3339 UTC with milliseconds, without Foundation.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var parts = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Installs the process-wide logging backend once; later calls are ignored (tests may call it repeatedly).
public enum LoggingSetup {
    private static let done = Atomic<Bool>(false)

    public static func bootstrap(format: LogFormat, level: Logger.Level) {
        guard done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        LoggingSystem.bootstrap { label in StructuredLogHandler(label: label, format: format, level: level) }
    }
}
