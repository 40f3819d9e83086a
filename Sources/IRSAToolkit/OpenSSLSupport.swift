import COpenSSL

/// `OPENSSL_free` is a function-like macro Swift cannot import; this is its expansion.
func openSSLFree(_ pointer: UnsafeMutableRawPointer?) {
    CRYPTO_free(pointer, #fileID, #line)
}
