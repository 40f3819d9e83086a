import JSONCore

/// What a Kubeflow Profile asks of the controller, read as Kubeflow's profile controller reads it.
public enum KubeflowProfile {
    public static let pluginKind = "AwsIamForServiceAccount"
    /// Kubeflow's `DEFAULT_SERVICE_ACCOUNT`: the plugin only ever concerns this ServiceAccount of the profile namespace.
    public static let serviceAccount = "default-editor"

    public enum Reading: Sendable, Equatable {
        /// No `AwsIamForServiceAccount` plugin, or the Profile is being deleted: nothing is to be trusted.
        case noPlugin
        /// `annotateOnly: true`: Kubeflow's controller annotates and leaves IAM alone, so this controller writes trust.
        case trust(TrustRequest)
        /// `annotateOnly: false` (Kubeflow's default): Kubeflow's controller regenerates the whole trust policy itself.
        /// This controller leaves the Profile to it (warning Event) rather than fight it in a loop.
        case leftToKubeflow(profile: String, role: String)
        case invalid(TrustRequestError)
    }

    /// `profile` is the Profile object (`kubeflow.org/v1` or `v1beta1`: the schemas are the same).
    /// `kind` and `spec` are matched exactly (the API machinery decodes the Profile case-sensitively); the keys of the
    /// plugin's `spec` as Go's encoding/json matches them (`GoJSONFields`), since Kubeflow re-decodes that spec with it.
    public static func read(_ profile: JSONValue) -> Reading {
        guard let name = profile["metadata"]?["name"]?.string, !name.isEmpty else {
            return .invalid(.invalidPluginSpec(profile: "(unnamed)", problem: "the Profile has no metadata.name"))
        }
        if profile["metadata"]?["deletionTimestamp"]?.string != nil { return .noPlugin }
        let plugins = (profile["spec"]?["plugins"]?.array ?? []).filter { $0["kind"]?.string == pluginKind }
        guard let plugin = plugins.last else { return .noPlugin }
        guard plugins.count == 1 else {
            return .invalid(.invalidPluginSpec(profile: name,
                problem: "\(plugins.count) AwsIamForServiceAccount plugins; a Profile's default-editor can have one role"))
        }
        guard let spec = plugin["spec"]?.object else {
            return .invalid(.invalidPluginSpec(profile: name, problem: "spec is missing or not an object"))
        }
        let role: String
        switch GoJSONFields.value(of: "awsIamRole", in: spec) {
        case .string(let text)?: role = text
        case nil: role = ""
        case let other?:
            return .invalid(.invalidPluginSpec(profile: name, problem: "spec.awsIamRole is a \(other.typeName), not a string"))
        }
        guard !role.isEmpty else {
            return .invalid(.invalidPluginSpec(profile: name, problem: "spec.awsIamRole is empty"))
        }
        switch GoJSONFields.value(of: "annotateOnly", in: spec) {
        case .bool(true)?:
            return .trust(TrustRequest(origin: .profile(name), namespace: name, serviceAccount: serviceAccount, role: role))
        case .bool(false)?, nil:
            return .leftToKubeflow(profile: name, role: role)
        case let other?:
            return .invalid(.invalidPluginSpec(profile: name, problem: "spec.annotateOnly is a \(other.typeName), not a boolean"))
        }
    }
}
