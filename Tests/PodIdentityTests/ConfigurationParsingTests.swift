@testable import PodIdentity
import Testing

@Suite("ConfigMap table, skip-containers CSV, role ARN syntax, token path")
struct ConfigurationParsingTests {
    @Test func configMapSkipsKeysWithoutSlashAndReadsFieldsCaseInsensitively() throws {
        let (table, warnings) = try RoleMappingTable.parse(config: """
            {"noslash":{"RoleARN":"arn:aws:iam::111122223333:role/x"},
             "ns/sa":{"rolearn":"arn:aws:iam::111122223333:role/y","AUDIENCE":"aud","TokenExpiration":0},
             "bad*glob/sa":{"RoleARN":"r"}, "ns/typed":{"UseRegionalSTS":"yes"}}
            """)
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains("\"noslash\" has no \"/\"") })
        #expect(warnings.contains { $0.contains("UseRegionalSTS must be a boolean") })
        let entry = try #require(table.lookup(ServiceAccountKey(namespace: "ns", name: "sa")))
        #expect(entry == RoleMapping(roleARN: "arn:aws:iam::111122223333:role/y", audience: "aud"))
        #expect(table.count == 1)
    }

    @Test func configMapThatIsNotAnObjectIsRejected() {
        #expect(throws: RoleMappingConfigError(reason: "expected a JSON object, got array")) { try RoleMappingTable.parse(config: "[1]") }
        let notJSON = #expect(throws: RoleMappingConfigError.self) { try RoleMappingTable.parse(config: "{") }
        #expect(notJSON?.reason.hasPrefix("not valid JSON: ") == true)
    }

    @Test(arguments: [
        ("a,b", ["a", "b"]), ("\"a,b\",c", ["a,b", "c"]), ("a, b", ["a", " b"]), ("\"say \"\"hi\"\"\"", ["say \"hi\""]),
        ("\n\nfirst\nsecond", ["first"]), ("a,", ["a", ""]),
    ])
    func csvFirstRecordAsGoReadsIt(_ input: String, _ expected: [String]) throws {
        #expect(try GoCSV.firstRecord(input) == expected)
    }

    @Test(arguments: [
        ("", "empty value"), ("a\"b", "bare \" in non-quoted field"), ("\"open", "extraneous or missing \" in quoted field"),
        ("\"a\"b", "extraneous or missing \" in quoted field"),
    ])
    func csvErrorsAsGo(_ input: String, _ reason: String) {
        #expect(throws: GoCSV.ParseError(reason: reason)) { try GoCSV.firstRecord(input) }
    }

    @Test(arguments: [
        ("arn:aws:iam::111122223333:role/app", true), ("arn:aws-cn:iam::111122223333:role/path/app.x@y+z=w,v", true),
        ("arn:aws:iam::11112222333:role/app", false), ("arn:aws:iam::111122223333:user/app", false),
        ("arn:aws:sts::111122223333:role/app", false), ("app", false), ("arn:aws:iam::111122223333:role/", false),
        ("arn:aws:iam::111122223333:role/a b", false),
    ])
    func roleARNSyntax(_ arn: String, _ valid: Bool) {
        #expect(RoleARNSyntax.isIAMRoleARN(arn) == valid)
    }

    @Test func tokenPathIsJoinedAndCleanedLikeGo() {
        #expect(TokenFilePath.make(mountPath: "/var/run//x/", tokenPath: "token", windows: false) == "/var/run/x/token")
        #expect(TokenFilePath.make(mountPath: "/a/b/../c", tokenPath: "./t", windows: true) == "C:\\a\\c\\t")
        #expect(TokenFilePath.join("", "") == "")
    }

    @Test func jitterStaysInRangeAndOnlyAppliesToTheDefault() async {
        let jitter = ExpirationJitter.system
        await withTaskGroup(of: Int64.self) { group in
            for _ in 0..<200 { group.addTask { jitter.apply(to: 86400) } }
            for await value in group { #expect(TokenExpiration.jitterRange.contains(value)) }
        }
        #expect(jitter.apply(to: 3600) == 3600)
        #expect(ExpirationJitter.fixed(0).apply(to: 86400) == 79200)
    }

    @Test func containerCredentialsFile() throws {
        let parsed = try ContainerCredentialsIdentities.parse(Array(#"{"identities":[{"namespace":"a","serviceAccount":"b"}]}"#.utf8))
        #expect(parsed.contains(ServiceAccountKey(namespace: "a", name: "b")))
        #expect(try ContainerCredentialsIdentities.parse(Array(" \n".utf8)).count == 0)
        #expect(throws: ContainerCredentialsConfigError(reason: "identities[0] needs string fields namespace and serviceAccount")) {
            try ContainerCredentialsIdentities.parse(Array(#"{"identities":[{"namespace":1}]}"#.utf8))
        }
    }
}
