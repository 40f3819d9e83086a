import ArgumentParser
import JSONCore
import KubernetesClient

/// `eks.amazonaws.com/role-arn` on ServiceAccounts, through the Kubernetes API (a merge PATCH, only when the
/// annotation does not already hold the ARN): `setup role --annotate` and `setup kubeflow`.
struct ServiceAccountAnnotation {
    static let key = "eks.amazonaws.com/role-arn"

    enum Outcome: Equatable {
        case annotated
        case unchanged
        case missing
    }

    let client: KubernetesAPIClient
    let dryRun: Bool

    /// The cluster kubectl would use (`--kubeconfig`, in-cluster, $KUBECONFIG, ~/.kube/config).
    static func connect(kubeconfig: String?, dryRun: Bool) throws -> ServiceAccountAnnotation {
        let selection = try KubernetesClientConfiguration.select(kubeconfig: kubeconfig, apiServer: nil, environment: ProcessEnvironment.all)
        return ServiceAccountAnnotation(client: try KubernetesAPIClient(configuration: selection.configuration), dryRun: dryRun)
    }

    func apply(namespace: String, name: String, roleARN: String) throws -> Outcome {
        let path = "/api/v1/namespaces/\(namespace)/serviceaccounts/\(name)"
        let current: JSONValue
        do {
            current = try JSON.parse(client.get(path))
        } catch KubernetesAPIError.status(code: 404, _, _) {
            return .missing
        } catch {
            throw ValidationError("ServiceAccount \(namespace)/\(name): \(error)")
        }
        if current["metadata"]?["annotations"]?[Self.key]?.string == roleARN {
            print("unchanged: ServiceAccount \(namespace)/\(name) already has \(Self.key)=\(roleARN)")
            return .unchanged
        }
        if dryRun {
            print("would PATCH ServiceAccount \(namespace)/\(name): \(Self.key)=\(roleARN)")
            return .annotated
        }
        let patch: JSONValue = ["metadata": ["annotations": [Self.key: .string(roleARN)]]]
        do {
            _ = try client.send("PATCH", path, body: JSON.serialize(patch), contentType: KubernetesAPIClient.mergePatchContentType)
        } catch {
            throw ValidationError("ServiceAccount \(namespace)/\(name): PATCH \(Self.key): \(error)")
        }
        print("annotated: ServiceAccount \(namespace)/\(name) \(Self.key)=\(roleARN)")
        return .annotated
    }
}
