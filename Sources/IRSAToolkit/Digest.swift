import COpenSSL
import TLSSupport

/// Message digests computed by OpenSSL.
public enum Digest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { compute(bytes, EVP_sha256(), name: "SHA-256") }
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { compute(bytes, EVP_sha1(), name: "SHA-1") }

    private static func compute(_ bytes: [UInt8], _ type: OpaquePointer?, name: String) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, type, nil)
            }
        }
        // EVP_Digest fails only on allocation failure or a missing provider: nothing a caller can fix.
        precondition(ok == 1, "EVP_Digest(\(name)) failed: \(OpenSSLErrorQueue.drain(fallback: "unknown error"))")
        return Array(digest.prefix(Int(length)))
    }
}
