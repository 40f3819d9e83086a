/// The members of one object that a decoder has read, each by the number (0..<64) the decoder gives it: a member
/// read a second time is a duplicate, found with one bit test and no key kept. Decoders refuse duplicates of the
/// members they read, so what they read is what a last-wins reader (`JSON.parse`) sees.
public struct JSONMemberSet {
    @usableFromInline var bits: UInt64 = 0

    @inlinable public init() {}

    /// Records member `number`; false when it was recorded already.
    @inlinable
    public mutating func insert(_ number: Int) -> Bool {
        let bit = UInt64(1) &<< UInt64(truncatingIfNeeded: number)
        defer { bits |= bit }
        return bits & bit == 0
    }

    /// How a duplicate is named in errors, the one wording for every decoder.
    public static func duplicateReason(_ key: JSONReader.Key) -> String { "duplicate member \"\(key.string)\"" }
}
