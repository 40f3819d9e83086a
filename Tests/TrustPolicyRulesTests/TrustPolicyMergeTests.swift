import JSONCore
import Testing
@testable import TrustPolicyRules

@Suite struct TrustPolicyMergeTests {
    @Test(arguments: try MergeCase.all())
    func mergeCase(_ testCase: MergeCase) throws {
        let outcome = try TrustPolicyMerge.addSubject(testCase.grant, to: testCase.before)
        switch (testCase.expected, outcome) {
        case (.unchanged, .unchanged):
            break
        case (.document(let expected), .updated(let merged)):
            // Text equality, not only value equality: members keep their order, nothing is rewritten.
            #expect(JSON.serializeToString(merged) == JSON.serializeToString(expected), "\(testCase.name): \(testCase.behaviour)")
            let text = try TrustPolicyCheck.validate(merged, providerARN: MergeCase.providerARN, quota: testCase.quota)
            #expect(try JSON.parse(text) == expected)
        case (.error(let name), .updated(let merged)):
            do {
                _ = try TrustPolicyCheck.validate(merged, providerARN: MergeCase.providerARN, quota: testCase.quota)
                Issue.record("\(testCase.name): expected \(name), the check passed")
            } catch .overQuota(let size, let quota) {
                #expect(name == "overQuota" && size > quota && quota == testCase.quota, "\(testCase.name)")
            } catch {
                Issue.record("\(testCase.name): expected \(name), got \(error)")
            }
        default:
            Issue.record("\(testCase.name): expected \(testCase.expected), got \(outcome)")
        }
    }

    @Test func theSizeCountsNoWhitespace() {
        #expect(TrustPolicyCheck.countedSize("{ \"a\" :\n\t[1, 2] }") == 11)
    }

    @Test func aPolicyWithoutTheProvidersStatementIsRefused() {
        let document: JSONValue = ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "sts:AssumeRole",
                                                                             "Principal": ["Service": "ec2.amazonaws.com"]]]]
        #expect(throws: TrustPolicyCheckError.noWebIdentityStatement(providerARN: MergeCase.providerARN)) {
            try TrustPolicyCheck.validate(document, providerARN: MergeCase.providerARN, quota: 2048)
        }
    }

    @Test func aPolicyThatIsNotAnObjectIsRefused() {
        #expect(throws: TrustPolicyMergeError.notAnObject) {
            try TrustPolicyMerge.addSubject(
                WebIdentityGrant(providerARN: MergeCase.providerARN, providerPath: MergeCase.providerPath, subject: "s", audience: "a"),
                to: .array([]))
        }
    }
}

