import ArgumentParser
import IRSAToolkit
import JSONCore

extension OIDCCommand {
    struct JWKS: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jwks",
            abstract: "Print the JWKS (keys.json) for the service-account verification keys.",
            discussion: """
                Keys are PEM: PKIX (PUBLIC KEY), PKCS#1 (RSA PUBLIC KEY), or a private key whose public half is \
                used. RSA keys get alg RS256, EC P-256 keys ES256; kid is computed as kube-apiserver does, so \
                tokens' kid headers match. Give every key kube-apiserver accepts (old and new) during a rotation.
                """)

        @Option(name: .customLong("public-key"), help: ArgumentHelp("A PEM key file; repeat for several keys.", valueName: "file"))
        var publicKeys: [String] = []

        @Flag(inversion: .prefixedNo, help: "Also publish each key with an empty kid, for tokens issued before kube-apiserver set kid headers.")
        var includeEmptyKid = false

        func validate() throws {
            guard !publicKeys.isEmpty else { throw ValidationError("give at least one --public-key FILE") }
        }

        func run() throws {
            let keys = try publicKeys.flatMap { path throws(ToolkitError) in try PublicKeyFile.load(path) }
            print(JSON.serializePretty(JSONWebKeySet.document(for: keys, includeEmptyKeyID: includeEmptyKid)), terminator: "")
        }
    }
}
