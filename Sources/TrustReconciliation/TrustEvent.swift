/// An `events.k8s.io/v1` Event the controller emits, decided here and written by the I/O layer: one for every
/// change and every refusal, on the Profile or ServiceAccount that asked.
public struct TrustEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case normal = "Normal", warning = "Warning" }

    /// The API server refuses a longer note.
    public static let maximumNoteBytes = 1024

    public let regarding: TrustRequest.Origin
    public let kind: Kind
    public let reason: String
    public let action: String
    public let note: String

    init(regarding: TrustRequest.Origin, kind: Kind, reason: String, action: String, note: String) {
        self.regarding = regarding
        self.kind = kind
        self.reason = reason
        self.action = action
        self.note = Self.capped(note)
    }

    /// Where the Event is created: a ServiceAccount's namespace; `default` for a (cluster-scoped) Profile, where
    /// `kubectl describe profile` looks for it.
    public var namespace: String {
        switch regarding {
        case .profile: "default"
        case .serviceAccount(let namespace, _): namespace
        }
    }

    public static func refused(_ refusal: DesiredTrust.Refusal) -> TrustEvent {
        TrustEvent(regarding: refusal.request.origin, kind: .warning, reason: "TrustRefused", action: "CheckRole",
                   note: refusal.reason.description)
    }

    public static func invalidPlugin(profile: String, _ error: TrustRequestError) -> TrustEvent {
        TrustEvent(regarding: .profile(profile), kind: .warning, reason: "InvalidPlugin", action: "ReadProfile",
                   note: error.description + "; no trust is written for this Profile")
    }

    public static func leftToKubeflow(profile: String, role: String) -> TrustEvent {
        TrustEvent(regarding: .profile(profile), kind: .warning, reason: "AnnotateOnlyFalse", action: "ReadProfile",
                   note: "plugin AwsIamForServiceAccount has annotateOnly false (the default), so Kubeflow's profile "
                       + "controller will regenerate the trust policy of \(role) and drop every statement it did not "
                       + "write; this controller leaves the Profile to it. Set annotateOnly: true to have this controller "
                       + "manage the trust safely")
    }

    /// IAM could not be read or written for the role (it no longer exists, access denied, throttled past the
    /// retries): a warning, never a block; the next reconcile tries again.
    public static func roleUnavailable(_ request: TrustRequest, role: String, problem: String) -> TrustEvent {
        TrustEvent(regarding: request.origin, kind: .warning, reason: "RoleUnavailable", action: "GetRole",
                   note: "role \(role): \(problem); trust not written for \(request.subject)")
    }

    /// The Events of one role's reconcile, one per requester: Normal when the role now trusts what it must,
    /// Warning when nothing was written. No Event when nothing changed.
    public static func events(for plan: RolePlan, role: IAMRoleARN, requests: [TrustRequest]) -> [TrustEvent] {
        switch plan {
        case .unchanged:
            return []
        case .write(_, let added, _):
            // An added entry is an exact subject or a compacted pattern; both match as globs.
            return requests.filter { request in
                let subject = Array(request.subject.unicodeScalars)
                return added.contains { RolePattern.globMatches(Array($0.unicodeScalars), subject) }
            }
                .map { request in
                    TrustEvent(regarding: request.origin, kind: .normal, reason: "TrustGranted", action: "UpdateAssumeRolePolicy",
                               note: "role \(role.text) now trusts \(request.subject)")
                }
        case .refused(let error):
            let reason = if case .trustPolicyTooLarge = error { "TrustPolicyTooLarge" } else { "TrustRefused" }
            return requests.map { request in
                TrustEvent(regarding: request.origin, kind: .warning, reason: reason, action: "UpdateAssumeRolePolicy",
                           note: error.description)
            }
        }
    }

    /// At most `maximumNoteBytes` of UTF-8, cut at a character boundary.
    static func capped(_ note: String) -> String {
        guard note.utf8.count > maximumNoteBytes else { return note }
        var result = ""
        for character in note {
            guard result.utf8.count + character.utf8.count <= maximumNoteBytes - 3 else { break }
            result.append(character)
        }
        return result + "..."
    }
}
