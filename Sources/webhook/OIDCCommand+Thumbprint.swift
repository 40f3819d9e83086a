import ArgumentParser
import Glibc
import IRSAToolkit

extension OIDCCommand {
    struct Thumbprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "thumbprint",
            abstract: "Print the SHA-1 thumbprint (lowercase hex) IAM asks for when creating the OIDC provider.",
            discussion: """
                FILE is the certificate of the issuer host's top CA, or the whole chain the host serves \
                (openssl s_client -connect HOST:443 -showcerts), in which case the last certificate is used.
                """)

        @Option(help: ArgumentHelp("A PEM certificate or certificate chain.", valueName: "file"))
        var cert: String

        func run() throws {
            let thumbprint = try CertificateThumbprint.ofLastCertificate(in: cert)
            if thumbprint.certificateCount > 1 {
                writeNote("note: \(cert) holds \(thumbprint.certificateCount) certificates; using the last (top of the chain): \(thumbprint.subject)")
            }
            print(thumbprint.hex)
        }
    }
}

/// A line for the person at the terminal, kept off standard output so `$(webhook oidc thumbprint ...)` stays clean.
private func writeNote(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
