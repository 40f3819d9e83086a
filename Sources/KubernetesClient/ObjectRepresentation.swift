/// How much of each object a list/watch or a GET asks the API server for.
public enum ObjectRepresentation: Sendable, Equatable {
    /// Whole objects (`application/json`).
    case full
    /// Only `apiVersion`, `kind` and `metadata` (`PartialObjectMetadataList` for a LIST, `PartialObjectMetadata`
    /// events for a WATCH), as client-go's metadata informers ask for them. Plain `application/json` is listed
    /// second, so a server without partial responses may answer with full objects instead; both shapes carry the
    /// same `metadata`. A server that refuses outright (406 Not Acceptable) gets `.full` from then on.
    case metadata

    /// The `Accept` header of a LIST.
    public var listAccept: String {
        switch self {
        case .full: "application/json"
        case .metadata: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
        }
    }

    /// The `Accept` header of a GET of one object and of a WATCH (each event's object is one item, not a list).
    public var objectAccept: String {
        switch self {
        case .full: "application/json"
        case .metadata: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"
        }
    }

    /// For logs: which shape a LIST page came back in (`kind` ending in `PartialObjectMetadataList` or not).
    static func served(listKind: String?) -> ObjectRepresentation {
        listKind == "PartialObjectMetadataList" ? .metadata : .full
    }
}
