import CNGHTTP2

/// A response's header list for `nghttp2_submit_response`, built without a `String` or array per field: names
/// and values go into one byte buffer and the `nghttp2_nv` entries point into it for the duration of the call
/// (nghttp2 copies them). Kept by the session and cleared per response, so its storage is reused.
struct HTTP2HeaderList {
    private var bytes: [UInt8] = []
    private var lengths: [(name: Int, value: Int)] = []
    private var entries: [nghttp2_nv] = []

    init() {
        bytes.reserveCapacity(256)
        lengths.reserveCapacity(8)
        entries.reserveCapacity(8)
    }

    var count: Int { lengths.count }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
    }

    mutating func add(name: some Collection<UInt8>, value: some Collection<UInt8>) {
        bytes.append(contentsOf: name)
        bytes.append(contentsOf: value)
        lengths.append((name.count, value.count))
    }

    mutating func add(name: StaticString, value: some Collection<UInt8>) {
        add(name: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount), value: value)
    }

    /// A non-negative decimal value (`:status`, `content-length`).
    mutating func add(name: StaticString, decimal value: Int) {
        ASCII.append(name, to: &bytes)
        let start = bytes.count
        ASCII.appendDecimal(value, to: &bytes)
        lengths.append((name.utf8CodeUnitCount, bytes.count - start))
    }

    /// Calls `body` with the `nghttp2_nv` array; the pointers in it are valid only during the call.
    mutating func withHeaderList<Result>(_ body: (UnsafePointer<nghttp2_nv>, Int) -> Result) -> Result {
        entries.removeAll(keepingCapacity: true)
        return bytes.withUnsafeMutableBufferPointer { storage -> Result in
            var offset = 0
            for (nameLength, valueLength) in lengths {
                entries.append(nghttp2_nv(name: storage.baseAddress! + offset,
                                          value: storage.baseAddress! + offset + nameLength,
                                          namelen: nameLength, valuelen: valueLength,
                                          flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                offset += nameLength + valueLength
            }
            return entries.withUnsafeBufferPointer { body($0.baseAddress!, $0.count) }
        }
    }
}
