import ArgumentParser
import AWSCore
import FileSystem
import JSONCore

/// A diagnostic, hidden from help: signs requests described in JSON on stdin and prints the signed
/// headers, so the signer can be compared with AWS's own implementation (botocore, in
/// tests/test_sigv4_oracle.py) or with a request an AWS service rejected. Input: a JSON array of
/// {method, host, path, query: [[name, value]...], headers: [[name, value]...], body (base64),
/// service, region, access_key_id, secret_access_key, session_token?, time (20150830T123600Z seconds: epoch)}.
/// Output: a JSON array of {headers: [[name, value]...]}. It reads secrets from stdin only, never from flags.
struct AWSSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws-sign", abstract: "Diagnostic: sign AWS requests read as JSON from stdin (SigV4).",
        shouldDisplay: false)

    func run() throws {
        let input = try FileSystem.read("/dev/stdin", maxBytes: 64 << 20)
        guard case .array(let requests) = try JSON.parse(input) else { throw ValidationError("stdin: expected a JSON array of requests") }
        var results: [JSONValue] = []
        for (index, request) in requests.enumerated() {
            func field(_ name: String) throws -> String {
                guard let value = request[name]?.string else { throw ValidationError("request \(index): missing string field '\(name)'") }
                return value
            }
            func pairs(_ name: String) -> [(name: String, value: String)] {
                (request[name]?.array ?? []).compactMap { pair in
                    guard let name = pair[0]?.string, let value = pair[1]?.string else { return nil }
                    return (name, value)
                }
            }
            guard let seconds = request["time"]?.int64 else { throw ValidationError("request \(index): 'time' must be epoch seconds") }
            guard let body = Base64.decode(request["body"]?.string ?? "") else { throw ValidationError("request \(index): 'body' is not base64") }
            let signer = SigV4Signer(service: try field("service"), region: try field("region"))
            let credentials = AWSCredentials(accessKeyID: try field("access_key_id"), secretAccessKey: try field("secret_access_key"),
                                             sessionToken: request["session_token"]?.string)
            let signed = signer.sign(
                SignableRequest(method: try field("method"), host: try field("host"), path: try field("path"),
                                query: pairs("query"), headers: pairs("headers"), body: body),
                credentials: credentials, at: AWSTimestamp(secondsSinceEpoch: seconds))
            results.append(["target": .string(signed.target),
                            "headers": .array(signed.headers.map { .array([.string($0.name), .string($0.value)]) })])
        }
        print(JSON.serializeToString(.array(results)))
    }
}
