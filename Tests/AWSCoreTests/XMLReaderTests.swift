import Foundation
import Testing
@testable import AWSCore

/// Answers captured from moto's server (and one from AWS's IAM API reference, pretty-printed).
@Suite struct XMLReaderTests {
    func answer(_ name: String) throws -> XMLElement {
        let url = try #require(Bundle.module.url(forResource: "Answers/\(name)", withExtension: "xml"))
        return try XMLReader.parse(Array(try Data(contentsOf: url)))
    }

    @Test func getRoleFromMoto() throws {
        let root = try answer("iam-get-role")
        #expect(root.name == "GetRoleResponse")
        #expect(root.string("GetRoleResult", "Role", "Arn") == "arn:aws:iam::123456789012:role/r1")
        #expect(root.string("GetRoleResult", "Role", "AssumeRolePolicyDocument").flatMap(URIEncoding.decode)
            == #"{"Version":"2012-10-17","Statement":[]}"#)
        #expect(root.descendant(["GetRoleResult", "Role", "Tags"])?.children(named: "member").first?.string("Value") == "v & <")
        #expect(root.first(named: "RequestId")?.text.isEmpty == false)
    }

    @Test func prettyPrintedAnswerFromTheDocumentation() throws {
        let root = try answer("aws-doc-get-role")
        #expect(root.string("GetRoleResult", "Role", "RoleName") == "S3Access")
        #expect(root.string("ResponseMetadata", "RequestId") == "df37e965-9967-11e1-a4c3-270EXAMPLE04")
        #expect(root.string("GetRoleResult", "Role", "AssumeRolePolicyDocument")?.contains("ec2.amazonaws.com") == true)
    }

    @Test func errorsOfIAMAndS3() throws {
        let iam = try answer("iam-error-no-such-entity")
        #expect(iam.string("Error", "Code") == "NoSuchEntity")
        #expect(iam.string("Error", "Message") == "Role missing not found")
        let s3 = try answer("s3-error-no-such-bucket")
        #expect(s3.name == "Error" && s3.string("Code") == "NoSuchBucket" && s3.string("BucketName") == "nobucket")
    }

    @Test func providerAndWebIdentityAnswers() throws {
        let provider = try answer("iam-get-oidc-provider")
        #expect(provider.descendant(["GetOpenIDConnectProviderResult", "ClientIDList"])?.children(named: "member").map(\.text) == ["sts.amazonaws.com"])
        let sts = try answer("sts-assume-role-with-web-identity")
        let credentials = try #require(sts.descendant(["AssumeRoleWithWebIdentityResult", "Credentials"]))
        #expect(credentials.string("AccessKeyId")?.hasPrefix("ASIA") == true)
        #expect(credentials.string("Expiration").flatMap(AWSTimestamp.init(iso8601:)) != nil)
        #expect(try answer("sts-get-caller-identity").string("GetCallerIdentityResult", "Account") == "123456789012")
        #expect(try answer("iam-create-oidc-provider").string("CreateOpenIDConnectProviderResult", "OpenIDConnectProviderArn")
            == "arn:aws:iam::123456789012:oidc-provider/issuer.example.com/id/A")
    }

    @Test(arguments: [
        ("<a><b></a>", "closes"),
        ("<a>x</a><b/>", "after the root"),
        ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "document type"),
        ("<a>&bogus;</a>", "unknown entity"),
        ("<a b='1' b='2'/>", "duplicate attribute"),
        ("<a>", "unterminated"),
        ("", "root element"),
    ])
    func malformedDocumentsAreRefused(_ text: String, _ reason: String) {
        #expect {
            try XMLReader.parse(text)
        } throws: { error in
            (error as? XMLParseError)?.reason.contains(reason) == true
        }
    }

    @Test func depthIsLimited() {
        let deep = String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40)
        let error = #expect(throws: XMLParseError.self) { try XMLReader.parse(deep) }
        #expect(error?.reason.hasPrefix("nested deeper than") == true)
    }

    @Test func referencesAndCDATAAreResolved() throws {
        let root = try XMLReader.parse("<?xml version=\"1.0\"?><!-- c --><a x=\"&quot;1&quot;\">&#65;&#x42;<![CDATA[<c>]]></a>")
        #expect(root.text == "AB<c>" && root.attributes["x"] == "\"1\"")
    }
}
