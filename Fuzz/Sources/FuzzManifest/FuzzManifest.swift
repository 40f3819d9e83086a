// ServiceAccount manifest parsing (YAML or JSON, multi-document) on arbitrary bytes, then sorting the documents
// into ServiceAccounts and the role-mapping ConfigMap. Invariants: never crashes or hangs; every document
// serializes to valid JSON that parses back to the same value.
import JSONCore
import ServiceAccountSources

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let documents = try? ManifestFiles.documents(bytes, source: "fuzz.yaml") else { return 0 }
    for document in documents {
        let json = JSON.serialize(document.value)
        guard let reparsed = try? JSON.parse(json), reparsed == document.value else {
            fatalError("document \(document.label) does not round-trip as JSON: \(String(decoding: json, as: UTF8.self))")
        }
    }
    _ = try? ServiceAccountManifests.collect(documents, annotationPrefix: "eks.amazonaws.com", source: "fuzz.yaml")
    return 0
}
