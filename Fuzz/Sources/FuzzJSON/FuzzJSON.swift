// JSON.parse on arbitrary bytes. Invariants: never crashes (depth limit included); skipping the document with a
// JSONReader accepts it exactly when parsing does; a parsed value serializes to
// JSON that parses back to an equal value and serializes to the same bytes; parsing a JSON Patch out of any
// value and applying it to the value itself never crashes.
import JSONCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = try? JSON.parse(bytes)
    // The reader's skipper (a one-loop fast path, the recursive one for errors) accepts exactly what parsing does.
    let skipped = (try? JSON.read(bytes) { reader in try reader.skipValue() }) != nil
    guard skipped == (parsed != nil) else { fatalError("skipping and parsing disagree: skipped \(skipped)") }
    guard let value = parsed else { return 0 }

    let serialized = JSON.serialize(value)
    let reparsed: JSONValue
    do {
        reparsed = try JSON.parse(serialized)
    } catch {
        fatalError("serialized output does not parse (\(error)): \(String(decoding: serialized, as: UTF8.self))")
    }
    guard reparsed == value else { fatalError("round trip changed the value") }
    guard JSON.serialize(reparsed) == serialized else { fatalError("serialization is not stable") }

    if let operations = try? JSONPatch.parse(value), let patched = try? JSONPatch.apply(operations, to: value) {
        let patchedBytes = JSON.serialize(patched)
        guard (try? JSON.parse(patchedBytes)) != nil else { fatalError("a patched document is not valid JSON") }
    }
    return 0
}
