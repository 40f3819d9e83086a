import Foundation
import JSONCore

/// One JSON file of a fixture folder (Cases/, BucketPolicyCases/): its name, its content, and its `after`:
/// `"unchanged"` when nothing may be written, `{"error": CASE}` when the result must be refused, else the document.
struct CaseFile: Sendable {
    enum Expectation: Sendable {
        case unchanged
        case document(JSONValue)
        case error(String)
    }

    let name: String
    let value: JSONValue

    var behaviour: String { value["behaviour"]?.string ?? "" }

    var expected: Expectation {
        switch value["after"] {
        case .string("unchanged")?: .unchanged
        case let after? where after["error"] != nil: .error(after["error"]?.string ?? "")
        case let after?: .document(after)
        case nil: .error("the case has no 'after'")
        }
    }

    /// The folder's files in name order.
    static func all(in folderName: String) throws -> [CaseFile] {
        let folder = Bundle.module.url(forResource: folderName, withExtension: nil)!
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            CaseFile(name: name, value: try JSON.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name)))))
        }
    }
}
