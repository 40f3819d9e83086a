import Testing
@testable import TrustReconciliation

@Suite struct LabelSelectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let selector: String
        let labels: [String: String]
        let matches: Bool
        var testDescription: String { "\(selector.isEmpty ? "(empty)" : selector) on \(labels.sorted { $0.key < $1.key })" }
    }

    static let cases: [Case] = [
        Case(selector: "", labels: [:], matches: true),
        Case(selector: "a=b", labels: ["a": "b"], matches: true),
        Case(selector: "a==b", labels: ["a": "b"], matches: true),
        Case(selector: "a=b", labels: ["a": "c"], matches: false),
        Case(selector: "a!=b", labels: [:], matches: true),
        Case(selector: "a!=b", labels: ["a": "b"], matches: false),
        Case(selector: "a", labels: ["a": ""], matches: true),
        Case(selector: "!a", labels: ["a": ""], matches: false),
        Case(selector: "a in (x, y)", labels: ["a": "y"], matches: true),
        Case(selector: "a in (x,y)", labels: [:], matches: false),
        Case(selector: "a notin (x,y)", labels: [:], matches: true),
        Case(selector: "a notin (x,y)", labels: ["a": "x"], matches: false),
        Case(selector: "kubernetes.io/metadata.name in (alice,bob), team=ml", labels: ["kubernetes.io/metadata.name": "bob", "team": "ml"], matches: true),
        Case(selector: "kubernetes.io/metadata.name in (alice,bob), team=ml", labels: ["kubernetes.io/metadata.name": "bob"], matches: false),
    ]

    @Test(arguments: cases) func matches(_ testCase: Case) throws {
        #expect(try LabelSelector(parsing: testCase.selector).matches(testCase.labels) == testCase.matches)
    }

    @Test(arguments: [
        ("a in x", "in needs a parenthesised list in \"a in x\""),
        ("a=b,,c", "empty requirement"),
        ("a in (x", "unbalanced ("),
        ("a=b c", "invalid label value \"b c\""),
        ("=b", "invalid label key \"\""),
    ]) func refuses(_ selector: String, _ problem: String) {
        #expect(throws: LabelSelector.ParseError(selector: selector, problem: problem)) { try LabelSelector(parsing: selector) }
    }
}
