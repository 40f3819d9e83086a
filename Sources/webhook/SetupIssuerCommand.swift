import ArgumentParser
import AWSClient
import AWSCore
import HTTPClient
import IRSAToolkit
import JSONCore
import TLSSupport

/// Publishes the issuer's discovery document and JWKS in S3, publicly readable, where STS will fetch them.
struct SetupIssuerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issuer",
        abstract: "Upload the OIDC discovery document and JWKS to an S3 bucket serving the issuer URL, readable by STS.",
        discussion: """
            The objects are the bytes `webhook oidc discovery` and `webhook oidc jwks` print, under the paths the \
            issuer URL implies (<path>/.well-known/openid-configuration and <path>/openid/v1/jwks), with \
            Content-Type application/json and the public-read ACL on exactly those two objects.
            """)

    static let allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"

    @Option(help: ArgumentHelp("The issuer URL (kube-apiserver --service-account-issuer), served by the bucket.", valueName: "url"))
    var issuer: String
    @Option(help: ArgumentHelp("The S3 bucket; created when missing.", valueName: "name")) var bucket: String
    @Option(name: .customLong("public-key"), help: ArgumentHelp("A service-account verification key (PEM); repeat for several.", valueName: "file"))
    var publicKeys: [String] = []

    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard !publicKeys.isEmpty else { throw ValidationError("give at least one --public-key FILE") }
        guard (3...63).contains(bucket.count), bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }) else {
            throw ValidationError("--bucket '\(bucket)': an S3 bucket name is 3 to 63 of a-z 0-9 . -")
        }
    }

    func run() throws {
        let issuerURL = try IssuerURL(validating: issuer)
        let keys = try publicKeys.flatMap { path throws(ToolkitError) in try PublicKeyFile.load(path) }
        let prefix = keyPrefix(of: issuerURL)
        let objects = [
            (key: prefix + ".well-known/openid-configuration",
             bytes: Array(JSON.serializePretty(try DiscoveryDocument.document(issuer: issuerURL, jwksURI: nil, keys: keys)).utf8)),
            (key: prefix + "openid/v1/jwks", bytes: Array(JSON.serializePretty(JSONWebKeySet.document(for: keys)).utf8)),
        ]
        let session = try aws.session()
        _ = try session.accountID()
        let s3 = S3Client(sender: session.sender, resolver: session.resolver)
        let bucketExists = try ensureBucket(s3, session: session)
        if bucketExists { try checkPublicAccessBlock(s3) }
        for object in objects {
            try publish(object.key, object.bytes, s3, session: session, bucketExists: bucketExists)
        }
        if !session.dryRun { try fetchBack(objects.map { (url: issuerURL.description + "/" + $0.key.dropFirst(prefix.count), bytes: $0.bytes) }) }
    }

    /// The object keys' common prefix: the issuer's path, without the bucket when the issuer is S3's path-style URL.
    func keyPrefix(of issuer: IssuerURL) -> String {
        let location = issuer.withoutScheme
        let host = location.prefix { $0 != "/" }
        var segments = location.dropFirst(host.count).split(separator: "/").map(String.init)
        if (host.hasPrefix("s3.") || host.hasPrefix("s3-")), segments.first == bucket { segments.removeFirst() }
        return segments.map { $0 + "/" }.joined()
    }

    /// True when the bucket was there already (a dry run does not create it).
    func ensureBucket(_ s3: S3Client, session: AWSSession) throws -> Bool {
        do {
            if try s3.callUnlessMissing("HeadBucket", "HEAD", bucket: bucket) != nil { return true }
        } catch let error as AWSError where error.code == "HTTP403" {
            throw ValidationError("bucket \(bucket): it exists but these credentials may not use it (another account's?): \(error)")
        }
        let region = session.resolver.region ?? "us-east-1"
        let body = region == "us-east-1" ? "" :
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(region)</LocationConstraint></CreateBucketConfiguration>"
        if session.dryRun {
            print("would call S3 CreateBucket: \(bucket) in \(region)")
            return false
        }
        _ = try s3.call("CreateBucket", "PUT", bucket: bucket, body: Array(body.utf8))
        print("CreateBucket: \(bucket) in \(region)")
        return true
    }

    /// Public-read ACLs are refused or ignored under the bucket's Block Public Access: say what to change.
    func checkPublicAccessBlock(_ s3: S3Client) throws {
        guard let answer = try s3.callUnlessMissing("GetPublicAccessBlock", "GET", bucket: bucket, query: [("publicAccessBlock", "")],
                                                    missingCode: "NoSuchPublicAccessBlockConfiguration"),
              let settings = try? XMLReader.parse(answer.body) else { return }
        let blocking = ["BlockPublicAcls", "IgnorePublicAcls"].filter { settings.first(named: $0)?.text == "true" }
        guard blocking.isEmpty else {
            throw ValidationError("bucket \(bucket): Block Public Access has \(blocking.joined(separator: " and ")) on, so STS could not read the documents; "
                + "turn \(blocking.joined(separator: " and ")) off for this bucket (aws s3api put-public-access-block), or serve the issuer from elsewhere")
        }
    }

    func publish(_ key: String, _ bytes: [UInt8], _ s3: S3Client, session: AWSSession, bucketExists: Bool) throws {
        if bucketExists, let current = try s3.callUnlessMissing("GetObject", "GET", bucket: bucket, key: key),
           current.body == bytes, current.value(of: "Content-Type") == "application/json",
           let acl = try? XMLReader.parse(try s3.call("GetObjectAcl", "GET", bucket: bucket, key: key, query: [("acl", "")]).body),
           acl.first(named: "AccessControlList")?.children(named: "Grant").contains(where: {
               $0.first(named: "URI")?.text == Self.allUsers && $0.string("Permission") == "READ" }) == true {
            print("unchanged: s3://\(bucket)/\(key) already holds these bytes, public-read")
            return
        }
        if session.dryRun {
            print("would call S3 PutObject: s3://\(bucket)/\(key) (Content-Type application/json, public-read)\n\(String(decoding: bytes, as: UTF8.self))")
            return
        }
        do {
            _ = try s3.call("PutObject", "PUT", bucket: bucket, key: key,
                            headers: [("Content-Type", "application/json"), ("x-amz-acl", "public-read")], body: bytes)
        } catch let error as AWSError where error.code == "AccessDenied" || error.code == "AccessControlListNotSupported" {
            throw ValidationError("s3://\(bucket)/\(key): public-read refused (\(error)); the account's Block Public Access "
                + "(BlockPublicAcls) or the bucket's Object Ownership (BucketOwnerEnforced disables ACLs) forbids it: "
                + "allow public ACLs for this bucket and set Object Ownership to ObjectWriter or BucketOwnerPreferred")
        }
        print("PutObject: s3://\(bucket)/\(key) (\(bytes.count) bytes, Content-Type application/json, public-read)")
    }

    /// What STS will see: each document fetched over HTTPS from the issuer URL, when it is reachable.
    func fetchBack(_ documents: [(url: String, bytes: [UInt8])]) throws {
        let client = HTTPClient(tls: try TLSClientContext(settings: TLSClientSettings(trust: .systemStore)))
        var wrong: [String] = []
        for document in documents {
            do {
                let response = try client.send(HTTPClientRequest(method: "GET", url: try HTTPURL(parsing: document.url)), deadline: .now + .seconds(10))
                if response.status == 200 && response.body == document.bytes {
                    print("verified: \(document.url) serves the uploaded bytes")
                } else {
                    wrong.append("\(document.url) answers HTTP \(response.status)\(response.status == 200 ? " with other bytes (a cache in front?)" : "")")
                }
            } catch {
                print("skipped: fetching \(document.url) back (\(error))")
            }
        }
        guard wrong.isEmpty else {
            throw ValidationError("uploaded, but STS reads the issuer URL and \(wrong.joined(separator: "; "))")
        }
    }
}
