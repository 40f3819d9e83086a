import AWSCore
import HTTPClient
import Locking
import Glibc

/// Signs and sends requests to AWS through the project's HTTP client, retrying what `RetryPolicy`
/// allows (throttling, 5xx, connection failures) with capped exponential backoff and jitter within
/// the policy's total deadline; each attempt is bounded by `callTimeout`.
public final class AWSRequestSender: Sendable {
    public let http: HTTPClient
    public let credentials: CredentialProvider?
    public let retry: RetryPolicy
    public let callTimeout: Duration
    let clock: @Sendable () -> Int64

    public init(http: HTTPClient, credentials: CredentialProvider?, retry: RetryPolicy = .standard,
                callTimeout: Duration = .seconds(20), clock: @escaping @Sendable () -> Int64 = { Int64(time(nil)) }) {
        self.http = http
        self.credentials = credentials
        self.retry = retry
        self.callTimeout = callTimeout
        self.clock = clock
    }

    /// One call. `unsigned` skips signing (STS AssumeRoleWithWebIdentity needs no credentials).
    public func send(endpoint: AWSEndpoint, url: EndpointURL, action: String, method: String, path: String,
                     query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
                     body: [UInt8] = [], unsigned: Bool = false) throws(AWSError) -> HTTPClientResponse {
        let service = endpoint.service.rawValue
        func failure(_ cause: AWSError.Cause) -> AWSError { AWSError(service: service, action: action, endpoint: url.description, cause: cause) }
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(retry.totalDeadlineMilliseconds)
        var attempt = 0
        var last = ""
        while true {
            attempt += 1
            var request = SignableRequest(method: method, host: url.authority, path: path, query: query, headers: headers, body: body)
            if !unsigned {
                guard let credentials else { throw failure(.credentials("no credential provider")) }
                let current: AWSCredentials
                do { current = try credentials.current() } catch { throw failure(.credentials(error.description)) }
                request = SigV4Signer(service: endpoint.service.rawValue, region: endpoint.signingRegion)
                    .sign(request, credentials: current, at: AWSTimestamp(secondsSinceEpoch: clock()))
            }
            let target = request.target
            let hostHeaderless = request.headers.filter { $0.name.lowercased() != "host" }
            let httpRequest = HTTPClientRequest(method: method,
                url: HTTPURL(scheme: url.scheme == .https ? .https : .http, host: url.host, port: url.port,
                             path: String(target.prefix { $0 != "?" }),
                             query: target.contains("?") ? String(target.drop { $0 != "?" }.dropFirst()) : nil),
                headers: [("Host", url.authority)] + hostHeaderless, body: body)
            let attemptDeadline = min(deadline, .now + callTimeout)
            do {
                let response = try http.send(httpRequest, deadline: attemptDeadline)
                if (200...299).contains(response.status) { return response }
                let (code, message, requestID) = Self.parseError(response)
                let error = failure(.service(status: response.status, code: code, message: message, requestID: requestID))
                guard RetryPolicy.isRetryable(status: response.status, errorCode: code) else { throw error }
                last = error.description
                if attempt >= retry.maxAttempts { throw error }
            } catch let error as AWSError {
                throw error
            } catch {
                let transport = error as! HTTPClientError
                if case .invalidRequest = transport.failure { throw failure(.transport(transport)) }
                last = transport.description
                if attempt >= retry.maxAttempts { throw failure(.transport(transport)) }
            }
            let wait = Duration.milliseconds(retry.delayMilliseconds(afterAttempt: attempt, unitRandom: Double.random(in: 0..<1)))
            guard ContinuousClock.now + wait < deadline else { throw failure(.deadline(attempts: attempt, last: last)) }
            DetachedThread.sleep(wait)
        }
    }

    /// Code, message and request id from a Query-protocol `ErrorResponse` or an S3 `Error`, else the status.
    static func parseError(_ response: HTTPClientResponse) -> (String, String, String?) {
        let headerID = response.value(of: "x-amzn-RequestId") ?? response.value(of: "x-amz-request-id")
        guard let root = try? XMLReader.parse(response.body) else {
            return (response.status == 429 ? "TooManyRequests" : "HTTP\(response.status)",
                    String(decoding: response.body.prefix(200), as: UTF8.self), headerID)
        }
        let error = root.name == "Error" ? root : (root.first(named: "Error") ?? root)
        return (error.string("Code") ?? "HTTP\(response.status)", error.string("Message") ?? "",
                root.first(named: "RequestId")?.text ?? headerID)
    }
}
