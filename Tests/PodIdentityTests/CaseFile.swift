import Foundation
import JSONCore
import PodIdentity
import ServiceAccountSources
import Testing

/// One file under Cases/: a `TestCase` header document (settings, expected patch, warnings, mode),
/// then ServiceAccounts, optionally the ConfigMap, and the Pod.
struct CaseFile: CustomTestStringConvertible, Sendable {
    let name: String
    let description: String
    let settings: MutationSettings
    let snapshot: IdentitySnapshot
    let serviceAccounts: [ServiceAccountKey: ServiceAccountRecord]
    let pod: JSONValue
    let expectedPatch: JSONValue
    let expectedWarnings: [String]
    let expectedMode: String?

    var testDescription: String { name }

    static func all() throws -> [CaseFile] {
        let folder = Bundle.module.url(forResource: "Cases", withExtension: nil)!
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        return try names.map { try load(folder.appendingPathComponent($0)) }
    }

    static func load(_ url: URL) throws -> CaseFile {
        let text = try String(contentsOf: url, encoding: .utf8)
        let documents = try ManifestParser.parse(text, source: url.lastPathComponent)
        let header = documents[0].value
        guard header["kind"]?.string == "TestCase" else { throw CaseError("first document must be kind: TestCase") }
        let settings = try makeSettings(header["settings"])
        let manifests = try ServiceAccountManifests.collect(Array(documents.dropFirst()), annotationPrefix: settings.annotationPrefix,
                                                            source: url.lastPathComponent)
        guard manifests.otherDocuments.count == 1, manifests.otherDocuments[0].kind == "Pod" else {
            throw CaseError("expected exactly one Pod")
        }
        var identities = Set<ServiceAccountKey>()
        for entry in header["containerCredentials"]?.array ?? [] {
            let parts = entry.string!.split(separator: "/")
            identities.insert(ServiceAccountKey(namespace: String(parts[0]), name: String(parts[1])))
        }
        return CaseFile(
            name: url.deletingPathExtension().lastPathComponent,
            description: header["description"]?.string ?? "",
            settings: settings,
            snapshot: IdentitySnapshot(roleMappings: manifests.roleMappings ?? RoleMappingTable(),
                                       containerCredentials: ContainerCredentialsIdentities(identities)),
            serviceAccounts: manifests.serviceAccounts,
            pod: manifests.otherDocuments[0].value,
            expectedPatch: header["expectedPatch"] ?? [],
            expectedWarnings: (header["expectedWarnings"]?.array ?? []).map { $0.string! },
            expectedMode: header["expectedMode"]?.string)
    }

    private static func makeSettings(_ value: JSONValue?) throws -> MutationSettings {
        var settings = MutationSettings()
        guard let object = value?.object else { return settings }
        for (key, member) in object {
            switch key {
            case "annotationPrefix": settings.annotationPrefix = member.string!
            case "tokenAudience": settings.tokenAudience = member.string!
            case "tokenMountPath": settings.tokenMountPath = member.string!
            case "tokenExpiration": settings.tokenExpiration = member.int64!
            case "awsDefaultRegion": settings.awsDefaultRegion = member.string!
            case "stsRegionalEndpoint": settings.stsRegionalEndpoint = member.bool!
            case "injectRoleSessionName": settings.injectRoleSessionName = member.bool!
            case "endpointURL": settings.endpointURL = member.string!
            case "allowNonAWSAccountID": settings.allowNonAWSAccountID = member.bool!
            case "containerCredentialsFullURI": settings.containerCredentials.fullURI = member.string!
            case "composeRoleARN":
                settings.roleARNComposition = RoleARNComposition(partition: member["partition"]!.string!,
                                                                 accountID: member["accountID"]!.string!)
            default: throw CaseError("unknown setting \(key)")
            }
        }
        return settings
    }
}

struct CaseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
