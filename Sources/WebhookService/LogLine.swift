import Glibc
import JSONCore
import Logging
import PodIdentity
import UTCCalendar

/// One log line as `StructuredLogHandler` writes it, straight to bytes: the fixed fields (time, level, logger,
/// message) first, then the fields in the order given. The handler gives an event's metadata sorted by key;
/// a caller with fields known in advance (the admission decision) gives them in that order itself, without a
/// `Logger.Metadata` table to fill, sort and free per line.
public struct LogLine: LogFields {
    private let format: LogFormat
    // Room for a whole decision line (about 600 bytes with a role and a reason), so it is never copied to grow.
    private var out = JSONByteWriter(capacity: 1024)
    #if DEBUG
    /// The last key given, to check that callers give their fields in the order the handler would sort them.
    private var lastKey = ""
    #endif

    /// `overrides`: in JSON, metadata named `time`, `level`, `logger` or `msg` takes that field's place (as a
    /// later key would); the text format writes such metadata as ordinary fields. `message`: its UTF-8 bytes.
    init(format: LogFormat, level: Logger.Level, label: LogLabel, message: UnsafeBufferPointer<UInt8>,
         overrides: Logger.Metadata? = nil) {
        self.format = format
        switch format {
        case .json:
            out.raw("{\"time\":")
            if let time = overrides?["time"] { Self.json(time, into: &out) } else { Self.withTimestamp { out.string(utf8: $0) } }
            if let override = overrides?["level"] {
                out.raw(",\"level\":")
                Self.json(override, into: &out)
            } else {
                out.raw(Self.jsonLevelMember(level))
            }
            out.raw(",\"logger\":")
            if let override = overrides?["logger"] { Self.json(override, into: &out) } else { out.raw(label.json) }
            out.raw(",\"msg\":")
            if let override = overrides?["msg"] { Self.json(override, into: &out) } else { out.string(utf8: message) }
        case .text:
            Self.withTimestamp { out.raw(bytes: $0) }
            out.raw(byte: UInt8(ascii: " "))
            out.raw(Self.textLevel(level))
            out.raw(byte: UInt8(ascii: " "))
            text(label.text)
            out.raw(": ")
            out.raw(bytes: message)
        }
    }

    /// `,"level":"<level>"`: the level's name, written without formatting it per line.
    private static func jsonLevelMember(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: #","level":"trace""#
        case .debug: #","level":"debug""#
        case .info: #","level":"info""#
        case .notice: #","level":"notice""#
        case .warning: #","level":"warning""#
        case .error: #","level":"error""#
        case .critical: #","level":"critical""#
        }
    }

    /// The level as the text format writes it (its name in capitals).
    private static func textLevel(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "NOTICE"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func isFixedInJSON(_ key: String) -> Bool {
        key == "time" || key == "level" || key == "logger" || key == "msg"
    }

    public mutating func add(_ key: StaticString, _ value: String) {
        checkOrder(key)
        write(key, value)
    }

    private mutating func write(_ key: StaticString, _ value: String) {
        switch format {
        case .json:
            out.member(key)
            out.string(value)
        case .text:
            out.raw(byte: UInt8(ascii: " "))
            out.raw(key)
            out.raw(byte: UInt8(ascii: "="))
            text(Self.quotedForText(value))
        }
    }

    public mutating func add(_ key: StaticString, strings: [String]) {
        checkOrder(key)
        add(String(describing: key), .array(strings.map { .string($0) }))
    }

    /// A value known in the source (`true`, `api`): vouched to need no escape in either format.
    public mutating func add(_ key: StaticString, literal: StaticString) {
        checkOrder(key)
        switch format {
        case .json: jsonStringMember(key) { $0.raw(literal) }
        case .text:
            write(key, String(describing: literal))
        }
    }

    /// The decision's reason, written piece by piece (only its values are escaped) in JSON.
    public mutating func add(_ key: StaticString, reason: DecisionReason) {
        checkOrder(key)
        switch format {
        case .json:
            jsonStringMember(key) { out in
                reason.forEachPiece { piece in
                    switch piece {
                    case .text(let text):  // the wording, from the source: no quote, backslash or control character
                        assert(!String(describing: text).utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
                        out.raw(text)
                    case .value(let value): out.stringContents(value)
                    }
                }
            }
        case .text:
            write(key, reason.description)
        }
    }

    /// A metadata entry (the handler's general path).
    mutating func add(_ key: String, _ value: Logger.MetadataValue) {
        switch format {
        case .json:
            out.raw(byte: UInt8(ascii: ","))
            out.string(key)
            out.raw(byte: UInt8(ascii: ":"))
            Self.json(value, into: &out)
        case .text:
            out.raw(byte: UInt8(ascii: " "))
            text(key)
            out.raw(byte: UInt8(ascii: "="))
            text(Self.quotedForText(value.description))
        }
    }

    /// `,"key":"…"`, the contents written by `body` (already escaped for a JSON string).
    private mutating func jsonStringMember(_ key: StaticString, _ body: (inout JSONByteWriter) -> Void) {
        out.member(key)
        out.raw(byte: UInt8(ascii: "\""))
        body(&out)
        out.raw(byte: UInt8(ascii: "\""))
    }

    /// Ends the line (its newline included) and gives its bytes.
    mutating func finish<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        out.raw(format == .json ? "}\n" : "\n")
        return out.withBytes(body)
    }

    // MARK: Pieces

    /// Debug builds only: the fields must come as the handler would sort them.
    private mutating func checkOrder(_ key: StaticString) {
        #if DEBUG
        let name = String(describing: key)
        assert(name > lastKey, "log fields out of key order: \(name) after \(lastKey)")
        lastKey = name
        #endif
    }

    private mutating func text(_ string: String) {
        var string = string
        string.withUTF8 { out.raw(bytes: $0) }
    }

    private static func json(_ value: Logger.MetadataValue, into out: inout JSONByteWriter) {
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

    /// Values with spaces are quoted so `key=value` pairs stay parseable.
    private static func quotedForText(_ plain: String) -> String {
        plain.contains(" ") || plain.isEmpty ? JSON.serializeToString(.string(plain)) : plain
    }

    /// RFC 3339 UTC with milliseconds, without Foundation: `2026-12-01T23:59:59.123Z`, digits written in place.
    static func withTimestamp<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return withTimestamp(seconds: Int64(now.tv_sec), milliseconds: Int(now.tv_nsec / 1_000_000), body)
    }

    static func withTimestamp<Result>(seconds: Int64, milliseconds: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let time = CivilTime(unixSeconds: seconds)
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // the 24 bytes
        return withUnsafeMutableBytes(of: &text) { raw in
            let out = raw.bindMemory(to: UInt8.self).baseAddress!
            // Two digits per division (a year below 10000, the others below 100), then the separators.
            func pair(_ value: Int, at offset: Int) {
                let (tens, ones) = value.quotientAndRemainder(dividingBy: 10)
                out[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: tens)
                out[offset + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: ones)
            }
            pair(time.year / 100 % 100, at: 0)
            pair(time.year % 100, at: 2)
            pair(time.month, at: 5)
            pair(time.day, at: 8)
            pair(time.hour, at: 11)
            pair(time.minute, at: 14)
            pair(time.second, at: 17)
            out[20] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds / 100 % 10)
            pair(milliseconds % 100, at: 21)
            (out[4], out[7], out[10], out[13], out[16], out[19], out[23]) =
                (UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "Z"))
            return body(UnsafeBufferPointer(start: out, count: 24))
        }
    }
}

/// Where a line's fields go, given in key order: a `LogLine` (written at once) or a `Logger.Metadata` table
/// (for a log handler that is not ours). Lets a caller list its fields once for both.
public protocol LogFields {
    mutating func add(_ key: StaticString, _ value: String)
    mutating func add(_ key: StaticString, strings: [String])
    mutating func add(_ key: StaticString, literal: StaticString)
    mutating func add(_ key: StaticString, reason: DecisionReason)
}

extension Dictionary: LogFields where Key == String, Value == Logger.MetadataValue {
    public mutating func add(_ key: StaticString, _ value: String) {
        self[String(describing: key)] = .string(value)
    }

    public mutating func add(_ key: StaticString, strings: [String]) {
        self[String(describing: key)] = .array(strings.map { .string($0) })
    }

    public mutating func add(_ key: StaticString, literal: StaticString) {
        self[String(describing: key)] = .string(String(describing: literal))
    }

    public mutating func add(_ key: StaticString, reason: DecisionReason) {
        self[String(describing: key)] = .string(reason.description)
    }
}

/// A logger's label as both formats write it, made once per handler.
public struct LogLabel: Sendable {
    let text: String
    let json: JSONFragment

    init(_ label: String) {
        text = label
        json = JSONFragment(string: label)
    }
}
