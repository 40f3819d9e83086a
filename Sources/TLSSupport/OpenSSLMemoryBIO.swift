import COpenSSL

/// Read-only memory BIOs over Swift bytes. `BIO_new_mem_buf` does not copy, so the BIO is created, used and
/// freed inside `withUnsafeBytes`, while the pointer it was given is valid; it never escapes.
public enum OpenSSLMemoryBIO {
    /// Runs `body` with a BIO reading `bytes`; nil when OpenSSL cannot make one (out of memory).
    public static func reading<Value, Failure: Error>(
        _ bytes: [UInt8], _ body: (OpaquePointer) throws(Failure) -> Value
    ) throws(Failure) -> Value? {
        let outcome: Result<Value, Failure>? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return Result { () throws(Failure) -> Value in try body(bio) }
        }
        return try outcome?.get()
    }
}
