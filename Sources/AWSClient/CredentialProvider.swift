import AWSCore
import FileSystem
import HTTPClient
import JSONCore
import Locking
import Glibc

public struct CredentialError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let detail: String
    public var description: String { "\(source): \(detail)" }
}

/// Credentials from one `CredentialSource`, cached; temporary credentials are fetched again
/// `refreshAhead` seconds before they expire, not per request.
public final class CredentialProvider: Sendable {
    public let source: CredentialSource
    let sender: @Sendable () -> AWSRequestSender
    let stsEndpoint: AWSEndpoint
    let refreshAhead: Int64
    let clock: @Sendable () -> Int64
    let cache = Locked<AWSCredentials?>(nil)
    let fetchCount = Locked(0)

    /// `http` carries the STS, container and IMDS calls (unsigned, or signed with the source's keys).
    public init(source: CredentialSource, http: HTTPClient, stsEndpoint: AWSEndpoint, refreshAhead: Int64 = 300,
                clock: @escaping @Sendable () -> Int64 = { Int64(time(nil)) }) {
        self.source = source
        self.sender = { AWSRequestSender(http: http, credentials: nil) }
        self.stsEndpoint = stsEndpoint
        self.refreshAhead = refreshAhead
        self.clock = clock
        self.http = http
    }

    let http: HTTPClient

    /// How many times credentials were fetched (tests observe refresh-ahead with it).
    public var fetches: Int { fetchCount.withLock { $0 } }

    public func current() throws(CredentialError) -> AWSCredentials {
        let now = clock()
        if let cached = cache.withLock({ $0 }), cached.expiration.map({ $0 - refreshAhead > now }) ?? true { return cached }
        let fresh = try fetch(source)
        fetchCount.withLock { $0 += 1 }
        cache.withLock { $0 = fresh }
        return fresh
    }

    func fetch(_ source: CredentialSource) throws(CredentialError) -> AWSCredentials {
        func fail(_ detail: String) -> CredentialError { CredentialError(source: source.description, detail: detail) }
        switch source {
        case .environment(let credentials), .profile(_, let credentials):
            return credentials
        case .webIdentity(let role, let tokenFile, let sessionName, _):
            let token: [UInt8]
            do { token = try FileSystem.read(tokenFile, maxBytes: 64 << 10) } catch { throw fail("cannot read the token file: \(error)") }
            let text = String(decoding: token, as: UTF8.self).trimmingWhitespace
            let sts = QueryClient(sender: AWSRequestSender(http: http, credentials: nil), endpoint: stsEndpoint)
            do {
                let result = try sts.call("AssumeRoleWithWebIdentity", [("RoleArn", role), ("RoleSessionName", sessionName ?? "webhook-\(clock())"),
                                                                         ("WebIdentityToken", text)], unsigned: true)
                return try Self.credentials(from: result.child("Credentials"), source: source)
            } catch let error as AWSError {
                throw fail(error.description)
            } catch {
                throw error as! CredentialError
            }
        case .assumeRole(let role, let sessionName, let externalID, _, let inner):
            let innerProvider = CredentialProvider(source: inner, http: http, stsEndpoint: stsEndpoint, clock: clock)
            let sts = QueryClient(sender: AWSRequestSender(http: http, credentials: innerProvider), endpoint: stsEndpoint)
            var parameters = [("RoleArn", role), ("RoleSessionName", sessionName ?? "webhook-\(clock())")]
            if let externalID { parameters.append(("ExternalId", externalID)) }
            do {
                return try Self.credentials(from: try sts.call("AssumeRole", parameters).child("Credentials"), source: source)
            } catch let error as AWSError {
                throw fail(error.description)
            } catch {
                throw error as! CredentialError
            }
        case .container(let url, let authorization):
            var headers: [(name: String, value: String)] = []
            switch authorization {
            case .none: break
            case .token(let token): headers.append(("Authorization", token))
            case .tokenFile(let path):
                do {
                    headers.append(("Authorization", String(decoding: try FileSystem.read(path, maxBytes: 16 << 10), as: UTF8.self).trimmingWhitespace))
                } catch { throw fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: \(error)") }
            }
            let body = try get(url, headers: headers, source: source)
            return try Self.credentials(fromJSON: body, source: source)
        case .instanceMetadata(let endpoint):
            let token = try request("PUT", endpoint + "/latest/api/token", headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")], source: source)
            let tokenHeader = [("X-aws-ec2-metadata-token", String(decoding: token, as: UTF8.self))]
            let role = String(decoding: try get(endpoint + "/latest/meta-data/iam/security-credentials/", headers: tokenHeader, source: source),
                              as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            guard !role.isEmpty else { throw fail("the instance has no IAM role") }
            return try Self.credentials(fromJSON: try get(endpoint + "/latest/meta-data/iam/security-credentials/" + role,
                                                          headers: tokenHeader, source: source), source: source)
        }
    }

    func get(_ url: String, headers: [(name: String, value: String)], source: CredentialSource) throws(CredentialError) -> [UInt8] {
        try request("GET", url, headers: headers, source: source)
    }

    func request(_ method: String, _ url: String, headers: [(name: String, value: String)], source: CredentialSource) throws(CredentialError) -> [UInt8] {
        func fail(_ detail: String) -> CredentialError { CredentialError(source: source.description, detail: detail) }
        let parsed: HTTPURL
        do { parsed = try HTTPURL(parsing: url) } catch { throw fail(error.description) }
        do {
            let response = try http.send(HTTPClientRequest(method: method, url: parsed, headers: headers), deadline: .now + .seconds(5))
            guard response.status == 200 else { throw fail("\(method) \(parsed.authority)\(parsed.path) answered HTTP \(response.status)") }
            return response.body
        } catch let error as CredentialError {
            throw error
        } catch {
            throw fail(String(describing: error))
        }
    }

    static func credentials(from element: XMLElement?, source: CredentialSource) throws(CredentialError) -> AWSCredentials {
        guard let element, let id = element.string("AccessKeyId"), let secret = element.string("SecretAccessKey") else {
            throw CredentialError(source: source.description, detail: "the answer has no Credentials")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: element.string("SessionToken"),
                              expiration: element.string("Expiration").flatMap(AWSTimestamp.init(iso8601:))?.secondsSinceEpoch)
    }

    /// The container endpoint's and IMDS's JSON: AccessKeyId, SecretAccessKey, Token, Expiration.
    static func credentials(fromJSON body: [UInt8], source: CredentialSource) throws(CredentialError) -> AWSCredentials {
        guard let value = try? JSON.parse(body), let id = value["AccessKeyId"]?.string, let secret = value["SecretAccessKey"]?.string else {
            throw CredentialError(source: source.description, detail: "the answer is not a credentials document")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: value["Token"]?.string,
                              expiration: value["Expiration"]?.string.flatMap(AWSTimestamp.init(iso8601:))?.secondsSinceEpoch)
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
