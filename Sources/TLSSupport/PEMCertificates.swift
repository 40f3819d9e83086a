import COpenSSL

/// Certificates in a PEM bundle, read through OpenSSL.
public enum PEMCertificates {
    /// Every certificate in `pem`, in order (the caller frees each with `X509_free`). Text around the blocks
    /// is ignored; an unreadable bundle gives an empty list.
    public static func read(_ pem: [UInt8]) -> [OpaquePointer] {
        let certificates = OpenSSLMemoryBIO.reading(pem) { (bio: OpaquePointer) -> [OpaquePointer] in
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) { certificates.append(certificate) }
            return certificates
        } ?? []
        OpenSSLErrorQueue.clear()  // the loop ends on a "no start line" error
        return certificates
    }
}
