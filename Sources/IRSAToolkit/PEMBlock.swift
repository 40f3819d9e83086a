import COpenSSL
import TLSSupport

/// One `-----BEGIN LABEL-----` block of a PEM file, decoded to DER by OpenSSL.
struct PEMBlock {
    let label: String
    /// RFC 1421 headers, e.g. `Proc-Type: 4,ENCRYPTED` on a traditionally encrypted private key.
    let headers: String
    let der: [UInt8]

    /// Every block in `bytes`, in order. Text around blocks is ignored, as OpenSSL does.
    static func all(in bytes: [UInt8], path: String, expected: String) throws(ToolkitError) -> [PEMBlock] {
        guard !bytes.isEmpty else { throw .notPEM(path: path, expected: expected) }
        OpenSSLErrorQueue.clear()
        let read = try OpenSSLMemoryBIO.reading(bytes) { (bio: OpaquePointer) throws(ToolkitError) -> [PEMBlock] in
            try readBlocks(from: bio, path: path)
        }
        guard let blocks = read else { throw .openSSLFailure(operation: "BIO_new_mem_buf", detail: "allocation failed") }
        guard !blocks.isEmpty else { throw .notPEM(path: path, expected: expected) }
        return blocks
    }

    private static func readBlocks(from bio: OpaquePointer, path: String) throws(ToolkitError) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        while true {
            var name: UnsafeMutablePointer<CChar>?
            var header: UnsafeMutablePointer<CChar>?
            var data: UnsafeMutablePointer<UInt8>?
            var length = 0
            guard PEM_read_bio(bio, &name, &header, &data, &length) == 1 else {
                let code = ERR_peek_last_error()
                // "no start line" is how OpenSSL says there are no more blocks.
                if code == 0 || ERR_GET_REASON(code) == PEM_R_NO_START_LINE {
                    OpenSSLErrorQueue.clear()
                    return blocks
                }
                throw .malformedPEM(path: path, detail: OpenSSLErrorQueue.drain(fallback: "unreadable block"))
            }
            defer {
                openSSLFree(name)
                openSSLFree(header)
                if let data {
                    // Private keys pass through here: wipe the decoded copy before freeing it.
                    OPENSSL_cleanse(data, length)
                    openSSLFree(data)
                }
            }
            blocks.append(PEMBlock(
                label: name.map { String(cString: $0) } ?? "",
                headers: header.map { String(cString: $0) } ?? "",
                der: data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []))
        }
    }
}
