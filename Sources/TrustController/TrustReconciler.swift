import AWSClient
import Glibc
import JSONCore
import KubernetesClient
import Locking
import Logging
import TrustReconciliation

/// One level-based reconcile: the requests that exist now (Profiles, annotated ServiceAccounts), the desired trust
/// per role, each role's trust policy made to match (read, re-read before writing, one write per role), then the
/// ServiceAccount annotations and the Events. Runs on the controller's one reconcile thread, so writes to a role
/// are serialised.
final class TrustReconciler: Sendable {
    struct Caches: Sendable {
        let profiles: ObjectCache?
        let serviceAccounts: ObjectCache
        let namespaces: ObjectCache?
    }

    private let caches: Caches
    private let rules: TrustRules
    private let owned: OwnedTrustStatement
    private let quota: Int
    private let annotatedServiceAccounts: AnnotatedServiceAccounts?
    private let annotation: RoleAnnotation
    private let iam: IAMTrustPolicies
    private let kubernetes: KubernetesAPIClient
    private let events: EventRecorder
    private let metrics: TrustControllerMetrics
    private let logger: Logger
    /// Roles this process wrote an owned statement into (with the annotation markers: the roles to revisit).
    private let writtenRoles = Locked<Set<String>>([])
    private let reconcileThread = Locked<pthread_t?>(nil)

    static let maximumReadWriteAttempts = 5

    init(caches: Caches, rules: TrustRules, owned: OwnedTrustStatement, quota: Int,
         annotatedServiceAccounts: AnnotatedServiceAccounts?, annotationPrefix: String, iam: IAMTrustPolicies,
         kubernetes: KubernetesAPIClient, events: EventRecorder, metrics: TrustControllerMetrics, logger: Logger) {
        self.caches = caches
        self.rules = rules
        self.owned = owned
        self.quota = quota
        self.annotatedServiceAccounts = annotatedServiceAccounts
        self.annotation = RoleAnnotation(annotationPrefix: annotationPrefix)
        self.iam = iam
        self.kubernetes = kubernetes
        self.events = events
        self.metrics = metrics
        self.logger = logger
    }

    /// What a reconcile found it could not do (the next one tries again).
    struct Incomplete: Error { let problems: [String] }

    /// `mayWrite` is asked before every write (IAM and Kubernetes): a replica that lost the Lease stops at once.
    func reconcile(mayWrite: () -> Bool) throws(Incomplete) {
        let current = pthread_self()
        reconcileThread.withLock { thread in
            if thread == nil { thread = current }
            precondition(pthread_equal(thread!, current) != 0, "reconciles run on the one reconcile thread")
        }
        var problems: [String] = []
        let requests = collectRequests()
        let desired = DesiredTrust(requests: requests, rules: rules)
        for refusal in desired.refusals {
            logger.warning("trust refused", metadata: ["origin": "\(refusal.request.origin)", "reason": "\(refusal.reason)"])
            events.record(.refused(refusal))
        }
        let serviceAccounts = caches.serviceAccounts.snapshot()
        let markers = serviceAccounts.compactMap { serviceAccount -> RoleMarker? in
            guard let metadata = serviceAccount["metadata"], let role = metadata["annotations"]?[annotation.markerAnnotation]?.string
            else { return nil }
            return RoleMarker(namespace: metadata["namespace"]?.string ?? "", serviceAccount: metadata["name"]?.string ?? "", role: role)
        }
        let visit = RolesToVisit(desired: desired, written: Array(writtenRoles.withLock { $0 }), markers: markers, rules: rules)
        for ignored in visit.ignored {
            logger.warning("marker annotation ignored", metadata: [
                "serviceAccount": "\(ignored.marker.namespace)/\(ignored.marker.serviceAccount)", "reason": "\(ignored.reason)",
            ])
        }
        // The document each role has after this reconcile, by IAM identity; absent when it could not be read.
        var documents: [String: TrustPolicyDocument] = [:]
        for role in visit.roles {
            guard mayWrite() else { throw Incomplete(problems: ["lost the leader Lease"]) }
            let trust = desired.trust(of: role)
            do {
                documents[role.iamIdentity] = try reconcile(role, trust: trust, mayWrite: mayWrite)
            } catch {
                if case .read(.noSuchRole) = error {
                    // A warning, not a failure: nothing to retry until someone creates the role (the resync sees it).
                    if trust == nil { continue }
                    logger.warning("role does not exist", metadata: ["role": "\(role.text)"])
                } else {
                    problems.append("\(role.text): \(error)")
                    logger.error("role not reconciled", metadata: ["role": "\(role.text)", "error": "\(error)"])
                }
                for request in trust?.requests ?? [] {
                    events.record(.roleUnavailable(request, role: role.text, problem: error.description))
                }
            }
        }
        problems += annotate(desired: desired, documents: documents, serviceAccounts: serviceAccounts, mayWrite: mayWrite)
        if !problems.isEmpty { throw Incomplete(problems: problems) }
    }

    enum RoleError: Error, CustomStringConvertible {
        case read(IAMTrustPolicies.ReadError)
        case write(AWSError)
        case changedUnderneath
        case lostLease

        var description: String {
            switch self {
            case .read(let error): "\(error)"
            case .write(let error): "UpdateAssumeRolePolicy: \(error)"
            case .changedUnderneath: "the trust policy kept changing between reads (\(TrustReconciler.maximumReadWriteAttempts) attempts)"
            case .lostLease: "lost the leader Lease before writing"
            }
        }
    }

    /// Makes one role's trust policy say `trust`; returns its document afterwards.
    private func reconcile(_ role: IAMRoleARN, trust: RoleTrust?, mayWrite: () -> Bool) throws(RoleError) -> TrustPolicyDocument {
        var current: TrustPolicyDocument
        do { current = try iam.trustPolicy(of: role) } catch {
            if case .noSuchRole = error, trust == nil {
                writtenRoles.withLock { _ = $0.remove(role.text) }  // gone: nothing of ours is left in it
            }
            throw .read(error)
        }
        for _ in 0..<Self.maximumReadWriteAttempts {
            let plan = RolePlan.plan(role: role, current: current, trust: trust, owned: owned, quota: quota)
            for event in TrustEvent.events(for: plan, role: role, requests: trust?.requests ?? []) { events.record(event) }
            switch plan {
            case .unchanged:
                report(role, document: current, overQuota: false)
                return current
            case .refused(let reason):
                logger.warning("trust not written", metadata: ["role": "\(role.text)", "reason": "\(reason)"])
                if case .trustPolicyTooLarge = reason { report(role, document: current, overQuota: true) }
                return current
            case .write(let document, let added, let removed):
                // IAM has no ETags: read again just before writing, and plan again if someone changed it meanwhile.
                let again: TrustPolicyDocument
                do { again = try iam.trustPolicy(of: role) } catch { throw .read(error) }
                guard again == current else { current = again; continue }
                guard mayWrite() else { throw .lostLease }
                do { try iam.write(document, to: role) } catch { throw .write(error) }
                if trust != nil { writtenRoles.withLock { _ = $0.insert(role.text) } } else { writtenRoles.withLock { _ = $0.remove(role.text) } }
                logger.notice("trust policy updated", metadata: [
                    "role": "\(role.text)", "added": "\(added)", "removed": "\(removed)", "size": "\(document.quotaSize)",
                ])
                report(role, document: document, overQuota: false)
                return document
            }
        }
        throw .changedUnderneath
    }

    private func report(_ role: IAMRoleARN, document: TrustPolicyDocument, overQuota: Bool) {
        metrics.role(role.text, subjects: owned.trustedSubjects(in: document).count, documentSize: document.quotaSize,
                     overQuota: overQuota)
    }

    private func collectRequests() -> [TrustRequest] {
        var requests: [TrustRequest] = []
        for profile in caches.profiles?.snapshot() ?? [] {
            switch KubeflowProfile.read(profile) {
            case .noPlugin: break
            case .trust(let request): requests.append(request)
            case .leftToKubeflow(let profile, let role): events.record(.leftToKubeflow(profile: profile, role: role))
            case .invalid(let error):
                let name = profile["metadata"]?["name"]?.string ?? "(unnamed)"
                logger.warning("invalid Profile plugin", metadata: ["profile": "\(name)", "error": "\(error)"])
                events.record(.invalidPlugin(profile: name, error))
            }
        }
        if let annotatedServiceAccounts, let namespaces = caches.namespaces {
            for serviceAccount in caches.serviceAccounts.snapshot() {
                let namespace = serviceAccount["metadata"]?["namespace"]?.string ?? ""
                let labels = namespaces.object(namespace: "", name: namespace).map { namespace in
                    var labels: [String: String] = [:]
                    for (key, value) in namespace["metadata"]?["labels"]?.object ?? JSONObject() { labels[key] = value.string }
                    return labels
                }
                if let request = annotatedServiceAccounts.request(of: serviceAccount, namespaceLabels: labels) {
                    requests.append(request)
                }
            }
        }
        return requests
    }

    /// Each requester's ServiceAccount annotated with its role once the role trusts it; the annotations this controller
    /// set removed when nothing asks for them any more. A role that could not be read leaves its annotations alone.
    private func annotate(desired: DesiredTrust, documents: [String: TrustPolicyDocument], serviceAccounts: [JSONValue],
                          mayWrite: () -> Bool) -> [String] {
        var wanted: [String: String] = [:]  // "namespace/name" -> role
        for trust in desired.roles {
            guard let document = documents[trust.role.iamIdentity] else { continue }
            for request in trust.requests where owned.trusts(request.subject, in: document) {
                wanted[request.namespace + "/" + request.serviceAccount] = request.role
            }
        }
        var problems: [String] = []
        for serviceAccount in serviceAccounts {
            guard let key = ObjectCache.key(serviceAccount), let metadata = serviceAccount["metadata"] else { continue }
            var annotations: [String: String] = [:]
            for (name, value) in metadata["annotations"]?.object ?? JSONObject() { annotations[name] = value.string }
            let role = wanted[key]
            if role == nil, let marked = annotations[annotation.markerAnnotation],
               (try? IAMRoleARN(parsing: marked)).flatMap({ documents[$0.iamIdentity] }) == nil {
                continue  // its role was not read this time (unreadable, or not the controller's): leave the annotation
            }
            guard let patch = annotation.patch(annotations: annotations, resourceVersion: metadata["resourceVersion"]?.string ?? "",
                                               role: role) else { continue }
            guard mayWrite() else { return problems + ["lost the leader Lease"] }
            if let problem = patchServiceAccount(key: key, patch: patch, role: role) { problems.append(problem) }
        }
        return problems
    }

    /// A merge patch carrying the observed resourceVersion; a 409 means the ServiceAccount changed, and the next
    /// reconcile (which that change triggers) decides again from the new object.
    private func patchServiceAccount(key: String, patch: JSONValue, role: String?) -> String? {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        let path = "/api/v1/namespaces/\(parts[0])/serviceaccounts/\(parts[1])"
        do {
            _ = try kubernetes.send("PATCH", path, body: JSON.serialize(patch), contentType: KubernetesAPIClient.mergePatchContentType)
            logger.notice(role != nil ? "ServiceAccount annotated" : "ServiceAccount annotation removed",
                          metadata: ["serviceAccount": "\(key)", "role": "\(role ?? "")"])
            return nil
        } catch {
            logger.warning("cannot patch the ServiceAccount", metadata: ["serviceAccount": "\(key)", "error": "\(error)"])
            return "ServiceAccount \(key): \(error)"
        }
    }
}
