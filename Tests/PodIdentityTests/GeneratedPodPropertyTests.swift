import JSONCore
import PodIdentity
import PropertyBased
import Testing

/// Generated pods: every shape of env, mounts, volumes and labels the engine distinguishes, with
/// unknown fields, nulls and quantities that must survive untouched.
@Suite("Generated pods")
struct GeneratedPodPropertyTests {
    /// Pod-level choices as bits, containers and init containers as one bit set each.
    static let podBits = Gen.int(in: 0...4095)
    static let containerBits = Gen.int(in: 0...1023).array(of: 0...4)
    static let initContainerBits = Gen.int(in: 0...1023).array(of: 0...2)

    @Test func patchKeepsEveryFieldAndSecondPassIsEmpty() async {
        await propertyCheck(count: 300, input: Self.podBits, Self.containerBits, Self.initContainerBits) { podBits, containers, inits in
            let (pod, settings, snapshot, record) = Self.makePod(podBits, containers: containers, initContainers: inits)
            let mutator = PodMutator(settings: settings, jitter: .fixed(80000))
            guard let document = try? PodDocument(pod) else {
                Issue.record("generated pod does not decode")
                return
            }
            let decision = mutator.mutate(document, namespace: "team", record: record, snapshot: snapshot)
            #expect(!decision.patch.contains { ["/spec/containers", "/spec/initContainers"].contains($0.path) })

            let patched: JSONValue
            do {
                patched = try IndependentJSONPatch.apply(decision.patch, to: pod)
            } catch {
                Issue.record("patch does not apply: \(error)")
                return
            }
            let bytes = JSON.serialize(patched)
            #expect((try? JSON.parse(bytes)) == patched, "result is not valid JSON")
            #expect(Self.isContained(pod, in: patched), "an original field was lost or changed")
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("1.50"), "a number was rewritten")
            #expect(containers.isEmpty || text.contains("\"1000m\""), "a quantity was rewritten")

            let again = mutator.mutate(try! PodDocument(patched), namespace: "team", record: record, snapshot: snapshot)
            #expect(again.patch.isEmpty, "second pass: \(again.patch.map(\.path))")
        }
    }

    /// Lists the engine creates when they are null (null and absent mean the same to Kubernetes).
    static let creatableLists: Set<String> = ["env", "volumeMounts", "volumes", "labels"]

    /// `original` is inside `result`: object members present (recursively), array items kept in order.
    static func isContained(_ original: JSONValue, in result: JSONValue) -> Bool {
        switch (original, result) {
        case (.object(let a), .object(let b)):
            return a.members.allSatisfy { member in
                if member.value.isNull && creatableLists.contains(member.key) { return b[member.key] != nil }
                return b[member.key].map { isContained(member.value, in: $0) } ?? false
            }
        case (.array(let a), .array(let b)):
            var index = b.startIndex
            for item in a {
                while index < b.endIndex, !isContained(item, in: b[index]) { index += 1 }
                if index == b.endIndex { return false }
                index += 1
            }
            return true
        case (.number(let a), .number(let b)):
            return a.text == b.text
        default:
            return original == result
        }
    }

    static func makePod(_ bits: Int, containers: [Int], initContainers: [Int])
        -> (JSONValue, MutationSettings, IdentitySnapshot, ServiceAccountRecord?) {
        func bit(_ n: Int, _ value: Int = bits) -> Bool { value >> n & 1 == 1 }
        var settings = MutationSettings()
        if bit(0) { settings.awsDefaultRegion = "eu-central-1" }
        settings.stsRegionalEndpoint = bit(1)
        var snapshot = IdentitySnapshot()
        if bit(2) { snapshot.containerCredentials = ContainerCredentialsIdentities([ServiceAccountKey(namespace: "team", name: "runner")]) }
        let record: ServiceAccountRecord? = bit(3) || !bit(2)
            ? ServiceAccountRecord(annotations: ["role-arn": "arn:aws:iam::111122223333:role/runner"]) : nil

        var metadata = JSONObject([(key: "name", value: "generated"), (key: "x-future", value: ["a": [1, nil, .number(JSONNumber(unchecked: "1.50"))]])])
        switch bits >> 4 & 3 {
        case 1: metadata["labels"] = .null
        case 2: metadata["labels"] = ["app": "web"]
        case 3: metadata["labels"] = ["eks.amazonaws.com/pod-identity": "enabled"]
        default: break
        }
        if bit(6) { metadata["annotations"] = ["eks.amazonaws.com/skip-containers": "c1,i0,ghost"] }

        var spec = JSONObject([(key: "serviceAccountName", value: "runner")])
        if bit(7) { spec["nodeSelector"] = ["kubernetes.io/os": "windows"] }
        switch bits >> 8 & 3 {
        case 1: spec["volumes"] = .null
        case 2: spec["volumes"] = [["name": "data", "emptyDir": [:]]]
        case 3: spec["volumes"] = [["name": "aws-iam-token", "hostPath": ["path": "/t"]], ["name": "eks-pod-identity-token", "emptyDir": [:]]]
        default: break
        }
        spec["containers"] = .array(containers.enumerated().map { container("c\($0.offset)", $0.element) })
        if !initContainers.isEmpty {
            spec["initContainers"] = .array(initContainers.enumerated().map { container("i\($0.offset)", $0.element) })
        }
        let pod: JSONValue = .object(JSONObject([(key: "apiVersion", value: "v1"), (key: "kind", value: "Pod"),
                                                 (key: "metadata", value: .object(metadata)), (key: "spec", value: .object(spec))]))
        return (pod, settings, snapshot, record)
    }

    /// Bits 0-1: env absent/null/list; 2-7: which AWS variables it defines; 8-9: mounts absent/null/list/with token mounts.
    static func container(_ name: String, _ bits: Int) -> JSONValue {
        func bit(_ n: Int) -> Bool { bits >> n & 1 == 1 }
        var object = JSONObject([(key: "name", value: .string(name)), (key: "image", value: "example/app"),
                                 (key: "resources", value: ["limits": ["cpu": "1000m"]]), (key: "futureField", value: nil)])
        let names = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_STS_REGIONAL_ENDPOINTS",
                     "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]
        switch bits & 3 {
        case 1: object["env"] = .null
        case 2, 3:
            var env: [JSONValue] = [["name": "KEEP", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]]]
            for (index, variable) in names.enumerated() where bit(2 + index) { env.append(["name": .string(variable), "value": "x"]) }
            object["env"] = .array(env)
        default: break
        }
        switch bits >> 8 & 3 {
        case 1: object["volumeMounts"] = .null
        case 2: object["volumeMounts"] = [["name": "data", "mountPath": "/data"]]
        case 3: object["volumeMounts"] = [["name": "aws-iam-token", "mountPath": "/a"], ["name": "eks-pod-identity-token", "mountPath": "/b"]]
        default: break
        }
        return .object(object)
    }
}
