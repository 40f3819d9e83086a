import COpenSSL

/// OpenSSL reports failures through a thread-local queue; these helpers turn it into text for
/// error messages and keep stale entries from leaking into the next call's diagnosis.
enum OpenSSLErrorQueue {
    /// The most recent error's reason text (or `fallback`), then the queue is cleared.
    static func drainMessage(fallback: String) -> String {
        defer { ERR_clear_error() }
        let code = ERR_peek_last_error()
        guard code != 0, let reason = ERR_reason_error_string(code) else { return fallback }
        return String(cString: reason)
    }

    static func clear() { ERR_clear_error() }
}

/// `OPENSSL_free` is a function-like macro Swift cannot import; this is its expansion.
func openSSLFree(_ pointer: UnsafeMutableRawPointer?) {
    CRYPTO_free(pointer, #fileID, #line)
}
