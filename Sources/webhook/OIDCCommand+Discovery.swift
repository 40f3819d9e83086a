import ArgumentParser
import IRSAToolkit
import JSONCore

extension OIDCCommand {
    struct Discovery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discovery",
            abstract: "Print the /.well-known/openid-configuration document for the issuer.")

        @Option(help: ArgumentHelp("The issuer URL, equal to kube-apiserver's --service-account-issuer.", valueName: "url"))
        var issuer: String

        @Option(help: ArgumentHelp("Where the JWKS is served (default: <issuer>/openid/v1/jwks, kube-apiserver's own path).", valueName: "url"))
        var jwksUri: String?

        @Option(name: .customLong("public-key"), help: ArgumentHelp(
            "A PEM key file, to list its algorithm in id_token_signing_alg_values_supported (default RS256); repeatable.",
            valueName: "file"))
        var publicKeys: [String] = []

        func run() throws {
            let issuerURL = try IssuerURL(validating: issuer)
            let keys = try publicKeys.flatMap { path throws(ToolkitError) in try PublicKeyFile.load(path) }
            print(JSON.serializePretty(try DiscoveryDocument.document(issuer: issuerURL, jwksURI: jwksUri, keys: keys)), terminator: "")
        }
    }
}
