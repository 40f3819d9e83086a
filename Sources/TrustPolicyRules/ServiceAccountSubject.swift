/// The `sub` claim of a ServiceAccount's tokens, `system:serviceaccount:<namespace>:<name>`: the one place its
/// spelling lives (the toolkit's trust policies and the trust controller's subjects and patterns use it).
public enum ServiceAccountSubject {
    public static func claim(namespace: String, serviceAccount: String) -> String {
        "system:serviceaccount:\(namespace):\(serviceAccount)"
    }
}
