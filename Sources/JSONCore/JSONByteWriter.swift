/// Compact JSON written piece by piece into a growable buffer. `raw` takes literal JSON text the caller
/// vouches for; strings and numbers from data go through `string` and `integer`, which escape and format
/// them. Appending a short literal is a capacity check and a copy: `Array.append(contentsOf:)` costs more
/// per call than the few bytes it copies, and the admission response is written from ~100 pieces.
public struct JSONByteWriter: @unchecked Sendable {
    // @unchecked: `storage` is copied on write (`reserve`), so values never share bytes they write.
    // The appends are inlinable: the patch builder and the response encoder (other modules) write ~100
    // pieces per review, each then a capacity check and a copy of known length. The class holds only
    // constants, so no access needs a runtime exclusivity check.
    @usableFromInline var storage: Storage
    @usableFromInline var written = 0

    /// Bytes written so far.
    public var count: Int { written }

    public init(capacity: Int = 256) {
        storage = Storage(capacity: max(16, capacity))
    }

    /// The bytes written, copied into an array.
    public var bytes: [UInt8] { withBytes { Array($0) } }

    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: storage.base, count: written))
    }

    @inlinable
    public mutating func raw(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// `,"key":` in one piece, for a key the caller vouches needs no escape (a field name in the source).
    public mutating func member(_ key: StaticString) {
        let length = key.utf8CodeUnitCount
        reserve(length + 4)
        let at = storage.base + written
        at[0] = UInt8(ascii: ",")
        at[1] = UInt8(ascii: "\"")
        (at + 2).update(from: key.utf8Start, count: length)
        at[length + 2] = UInt8(ascii: "\"")
        at[length + 3] = UInt8(ascii: ":")
        written += length + 4
    }

    /// Bytes the caller vouches for, as they are.
    public mutating func raw(bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        append(base, count: bytes.count)
    }

    @inlinable
    public mutating func raw(byte: UInt8) {
        reserve(1)
        storage.base[written] = byte
        written += 1
    }

    /// Drops the last `count` bytes written. Nothing is written, so shared storage needs no copy here: the
    /// next append makes it this value's own.
    @inlinable
    public mutating func removeLast(_ count: Int = 1) {
        written -= min(count, written)
    }

    /// A JSON string literal, quotes included, escaped for any content (UTF-8 passes through as it is).
    public mutating func string(_ text: String) {
        JSON.withUTF8(of: text) { string(utf8: $0) }
    }

    public mutating func string(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // Most strings need no escape: then one reservation and one copy, quotes included.
        let count = bytes.count
        if let source = bytes.baseAddress, !ByteScan.hasSpecialByte(base: source, count: count) {
            reserve(count + 2)
            let at = storage.base + written
            at[0] = UInt8(ascii: "\"")
            (at + 1).update(from: source, count: count)
            at[count + 1] = UInt8(ascii: "\"")
            written += count + 2
            return
        }
        raw(byte: UInt8(ascii: "\""))
        JSON.escapedPieces(of: bytes) { append($0.baseAddress!, count: $0.count) }
        raw(byte: UInt8(ascii: "\""))
    }

    /// A string's characters escaped for a JSON string, without the quotes (a JSON Pointer made at run time).
    public mutating func stringContents(_ text: String) {
        JSON.withUTF8(of: text) { stringContents(utf8: $0) }
    }

    public mutating func stringContents(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        if let source = bytes.baseAddress, !ByteScan.hasSpecialByte(base: source, count: bytes.count) {
            return append(source, count: bytes.count)  // the usual case: one copy
        }
        JSON.escapedPieces(of: bytes) { append($0.baseAddress!, count: $0.count) }
    }

    public mutating func integer(_ value: Int64) {
        // A single digit (the patch's container indices) is one byte.
        if value >= 0 && value < 10 { return raw(byte: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value)) }
        if value < 0 { raw(byte: UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for the 20 digits of UInt64.max
        var magnitude = value.magnitude, used = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                used += 1
                buffer[buffer.count - used] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + buffer.count - used, count: used)
        }
    }

    public mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    /// Standard padded base64 of `bytes` (the admission response carries its patch this way).
    public mutating func base64(_ bytes: UnsafeBufferPointer<UInt8>) {
        let length = Base64.encodedLength(bytes.count)
        reserve(length)
        Base64.encode(bytes, into: UnsafeMutableBufferPointer(start: storage.base + written, count: length))
        written += length
    }

    // MARK: Storage

    @inlinable
    mutating func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        reserve(length)
        (storage.base + written).update(from: source, count: length)
        written += length
    }

    /// Room for `extra` more bytes, in storage of this value's own.
    @inlinable
    mutating func reserve(_ extra: Int) {
        if _slowPath(!isKnownUniquelyReferenced(&storage) || written + extra > storage.capacity) {
            makeRoom(extra)
        }
    }

    @usableFromInline
    mutating func makeRoom(_ extra: Int) {
        let capacity = isKnownUniquelyReferenced(&storage) ? max(written + extra, storage.capacity * 2)
            : max(written + extra, storage.capacity)
        let larger = Storage(capacity: capacity)
        larger.base.initialize(from: storage.base, count: written)
        storage = larger
    }

    /// The bytes' memory: constant once made (growing makes a new one).
    @usableFromInline
    final class Storage {
        @usableFromInline let base: UnsafeMutablePointer<UInt8>
        @usableFromInline let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }
    }
}

extension JSONByteWriter: Equatable {
    public static func == (lhs: JSONByteWriter, rhs: JSONByteWriter) -> Bool {
        lhs.withBytes { left in rhs.withBytes { right in left.elementsEqual(right) } }
    }
}
