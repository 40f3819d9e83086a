import AWSClient
import AWSCore

/// Deletes the roles and the provider `setup kubeflow` created, recognised by carrying every one of its tags;
/// anything else with the same name (a provider another tool made, a role someone created) is kept and named.
struct KubeflowTeardown {
    let session: AWSSession
    let tags: [(String, String)]

    func run(roles: [String], providerARN: String) throws {
        let iam = try session.iam()
        for role in roles {
            guard let found = try iam.callUnlessMissing("GetRole", [("RoleName", role)]) else {
                print("unchanged: role \(role) does not exist")
                continue
            }
            guard carriesTags(found.descendant(["Role", "Tags"])) else {
                print("kept: role \(role) was not created by setup kubeflow (tags \(tagText) missing)")
                continue
            }
            let inline = try iam.call("ListRolePolicies", [("RoleName", role)]).child("PolicyNames")?.children(named: "member").map(\.text) ?? []
            for name in inline {
                try session.write(iam, "DeleteRolePolicy", [("RoleName", role), ("PolicyName", name)], summary: "role \(role) inline policy \(name)")
            }
            let attached = try iam.call("ListAttachedRolePolicies", [("RoleName", role)]).child("AttachedPolicies")?
                .children(named: "member").compactMap { $0.string("PolicyArn") } ?? []
            for arn in attached {
                try session.write(iam, "DetachRolePolicy", [("RoleName", role), ("PolicyArn", arn)], summary: "role \(role) policy \(arn)")
            }
            try session.write(iam, "DeleteRole", [("RoleName", role)], summary: "role \(role)")
        }
        guard let provider = try iam.callUnlessMissing("GetOpenIDConnectProvider", [("OpenIDConnectProviderArn", providerARN)]) else {
            print("unchanged: \(providerARN) does not exist")
            return
        }
        guard carriesTags(provider.child("Tags")) else {
            print("kept: \(providerARN) was not created by setup kubeflow (tags \(tagText) missing)")
            return
        }
        try session.write(iam, "DeleteOpenIDConnectProvider", [("OpenIDConnectProviderArn", providerARN)], summary: providerARN)
    }

    private var tagText: String { tags.map { "\($0.0)=\($0.1)" }.joined(separator: ", ") }

    private func carriesTags(_ element: XMLElement?) -> Bool {
        let present = element?.children(named: "member").map { ($0.string("Key") ?? "", $0.string("Value") ?? "") } ?? []
        return tags.allSatisfy { tag in present.contains { $0 == tag } }
    }
}
