"""The fake API server (tests/helpers/fake_apiserver.py) answers the trust controller's requests as kube-apiserver
does: if it did not, a controller test against it would prove nothing. One behaviour per test, over real HTTPS."""
import json
import ssl

import httpx
import pytest

from helpers.fake_apiserver import EVENTS, LEASES, NS, PROFILES, SA

MERGE = {"Content-Type": "application/merge-patch+json"}
AWS_PLUGIN = [{"kind": "AwsIamForServiceAccount", "spec": {"awsIamRole": "arn:aws:iam::111122223333:role/kf-alice"}}]


@pytest.fixture
def client(fake_api, certs):
    with httpx.Client(base_url=fake_api.url, verify=ssl.create_default_context(cafile=str(certs / "ca.crt")), timeout=10,
                      headers={"Authorization": "Bearer " + fake_api.token}) as c:
        yield c


def lease(name="trust-controller", holder="replica-a", resource_version=None):
    metadata = {"name": name, "namespace": "kube-system"}
    if resource_version:
        metadata["resourceVersion"] = resource_version
    return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15}}


def event(**overrides):
    body = {"apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": {"name": "alice.17a0", "namespace": "alice"},
            "eventTime": "2026-12-01T00:00:00.000000Z", "reportingController": "pod-identity-webhook/trust-controller",
            "reportingInstance": "replica-a", "action": "UpdateTrustPolicy", "reason": "TrustGranted",
            "type": "Normal", "note": "role kf-alice trusts alice/default-editor",
            "regarding": {"kind": "Profile", "apiVersion": "kubeflow.org/v1", "name": "alice"}}
    body.update(overrides)
    return body


@pytest.mark.parametrize("version", ["v1", "v1beta1"])
def test_profiles_are_one_cluster_scoped_resource_served_at_both_versions(fake_api, client, version):
    fake_api.put_profile("alice", AWS_PLUGIN)
    listed = client.get("/apis/kubeflow.org/%s/profiles" % version).json()
    assert listed["kind"] == "ProfileList"
    assert [(p["apiVersion"], p["metadata"]["name"], p["spec"]["plugins"]) for p in listed["items"]] == [
        ("kubeflow.org/" + version, "alice", AWS_PLUGIN)]
    assert client.get("/apis/kubeflow.org/%s/profiles/alice" % version).json()["metadata"]["uid"]
    assert client.get("/apis/kubeflow.org/%s/namespaces/alice/profiles" % version).status_code == 404


def test_profile_watch_streams_changes_after_the_list_resource_version(fake_api, client):
    fake_api.put_profile("alice", AWS_PLUGIN)
    since = client.get("/apis/kubeflow.org/v1/profiles").json()["metadata"]["resourceVersion"]
    fake_api.put_profile("alice", [])
    fake_api.delete(PROFILES, None, "alice")
    events = []
    with client.stream("GET", "/apis/kubeflow.org/v1/profiles",
                       params={"watch": "true", "resourceVersion": since, "timeoutSeconds": "1"}) as r:
        for line in r.iter_lines():
            events.append(json.loads(line))
    assert [(e["type"], e["object"]["spec"]["plugins"]) for e in events] == [("MODIFIED", []), ("DELETED", [])]
    assert int(events[1]["object"]["metadata"]["resourceVersion"]) > int(since)


def test_service_account_merge_patch_sets_an_annotation_and_bumps_the_resource_version(fake_api, client):
    before = fake_api.put_service_account("alice", "default-editor")
    r = client.patch("/api/v1/namespaces/alice/serviceaccounts/default-editor", headers=MERGE,
                     content=json.dumps({"metadata": {"annotations": {"eks.amazonaws.com/role-arn": "arn:x"}}}))
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": "arn:x"}
    assert int(r.json()["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])


def test_a_patch_that_changes_nothing_keeps_the_resource_version(fake_api, client):
    before = fake_api.put_service_account("alice", "default-editor", {"a": "1"})
    r = client.patch("/api/v1/namespaces/alice/serviceaccounts/default-editor", headers=MERGE,
                     content=json.dumps({"metadata": {"annotations": {"a": "1"}}}))
    assert r.json()["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_a_patch_with_a_stale_resource_version_is_a_conflict(fake_api, client):
    stale = fake_api.put_service_account("alice", "default-editor")["metadata"]["resourceVersion"]
    fake_api.put_service_account("alice", "default-editor", {"someone": "else"})
    r = client.patch("/api/v1/namespaces/alice/serviceaccounts/default-editor", headers=MERGE,
                     content=json.dumps({"metadata": {"resourceVersion": stale, "annotations": {"a": "1"}}}))
    assert (r.status_code, r.json()["reason"]) == (409, "Conflict")
    assert fake_api.get(SA, "alice", "default-editor")["metadata"]["annotations"] == {"someone": "else"}


def test_server_side_apply_is_not_served(fake_api, client):
    fake_api.put_service_account("alice", "default-editor")
    r = client.patch("/api/v1/namespaces/alice/serviceaccounts/default-editor",
                     headers={"Content-Type": "application/apply-patch+yaml"}, content="{}")
    assert r.status_code == 415


def test_a_lease_is_created_once(client):
    first = client.post("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", json=lease())
    again = client.post("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", json=lease(holder="replica-b"))
    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()["reason"]) == (409, "AlreadyExists")


@pytest.mark.parametrize("fresh", [True, False], ids=["current-resource-version", "stale-resource-version"])
def test_a_lease_update_is_optimistic(fake_api, client, fresh):
    created = client.post("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases", json=lease()).json()
    current = created["metadata"]["resourceVersion"]
    if not fresh:
        fake_api.put(LEASES, lease(holder="replica-c"))  # another replica renewed in between
    r = client.put("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/trust-controller",
                   json=lease(holder="replica-b", resource_version=current))
    holder = fake_api.get(LEASES, "kube-system", "trust-controller")["spec"]["holderIdentity"]
    if fresh:
        assert (r.status_code, holder) == (200, "replica-b"), r.text
    else:
        assert (r.status_code, r.json()["reason"], holder) == (409, "Conflict", "replica-c")


def test_a_valid_event_is_stored(fake_api, client):
    r = client.post("/apis/events.k8s.io/v1/namespaces/alice/events", json=event())
    assert r.status_code == 201, r.text
    assert [e["reason"] for e in fake_api.list(EVENTS, "alice")] == ["TrustGranted"]


@pytest.mark.parametrize("overrides, field", [
    ({"type": "Error"}, "type"),
    ({"reportingController": ""}, "reportingController"),
    ({"regarding": {}}, "regarding"),
    ({"note": "x" * 1025}, "note"),
], ids=["type", "reporting-controller", "regarding", "note-too-long"])
def test_an_invalid_event_is_refused_naming_the_field(fake_api, client, overrides, field):
    r = client.post("/apis/events.k8s.io/v1/namespaces/alice/events", json=event(**overrides))
    assert (r.status_code, r.json()["reason"]) == (422, "Invalid")
    assert field + ":" in r.json()["message"]
    assert fake_api.list(EVENTS) == []


@pytest.mark.parametrize("selector, expected", [
    ("", ["alice", "bob", "kube-system"]),
    ("kubeflow-profile=true", ["alice", "bob"]),
    ("kubeflow-profile=true,team!=ml", ["bob"]),
    ("team", ["alice"]),
    ("!kubeflow-profile", ["kube-system"]),
])
def test_namespaces_are_listed_by_label_selector(fake_api, client, selector, expected):
    fake_api.put_namespace("alice", {"kubeflow-profile": "true", "team": "ml"})
    fake_api.put_namespace("bob", {"kubeflow-profile": "true"})
    fake_api.put_namespace("kube-system")
    listed = client.get("/api/v1/namespaces", params={"labelSelector": selector}).json()
    assert [n["metadata"]["name"] for n in listed["items"]] == expected


def test_injected_errors_are_answered_then_normal_service_resumes(fake_api, client):
    fake_api.put_service_account("alice", "default-editor")
    fake_api.inject("PATCH", SA, 429, times=1)
    path = "/api/v1/namespaces/alice/serviceaccounts/default-editor"
    answers = [client.patch(path, headers=MERGE, content="{}").status_code for _ in range(2)]
    assert answers == [429, 200]


def test_writes_need_the_bearer_token(fake_api, certs):
    fake_api.put_namespace("alice")
    with httpx.Client(base_url=fake_api.url, verify=ssl.create_default_context(cafile=str(certs / "ca.crt")), timeout=10) as anonymous:
        r = anonymous.patch("/api/v1/namespaces/alice", headers=MERGE, content="{}")
    assert r.status_code == 401
    assert fake_api.get(NS, None, "alice")["metadata"]["resourceVersion"] == str(fake_api.rv)


METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
METADATA_WATCH = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json"


def test_a_metadata_only_list_and_watch_carry_metadata_only(fake_api, client):
    fake_api.put_service_account("team-a", "app", {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"})
    listed = client.get("/api/v1/serviceaccounts", headers={"Accept": METADATA_LIST}).json()
    assert (listed["kind"], listed["apiVersion"]) == ("PartialObjectMetadataList", "meta.k8s.io/v1")
    [item] = listed["items"]
    assert sorted(item) == ["apiVersion", "kind", "metadata"]
    assert (item["kind"], item["metadata"]["name"]) == ("PartialObjectMetadata", "app")
    fake_api.put_service_account("team-a", "app", {})
    with client.stream("GET", "/api/v1/serviceaccounts", headers={"Accept": METADATA_WATCH},
                       params={"watch": "true", "resourceVersion": listed["metadata"]["resourceVersion"],
                               "timeoutSeconds": "1"}) as r:
        event = json.loads(next(r.iter_lines()))
    assert event["type"] == "MODIFIED"
    assert (event["object"]["kind"], event["object"]["apiVersion"]) == ("PartialObjectMetadata", "meta.k8s.io/v1")
    assert sorted(event["object"]) == ["apiVersion", "kind", "metadata"]


@pytest.mark.parametrize("mode, accept, expected", [
    ("honoured", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1", 200),
    ("honoured", "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1", 406),  # a list is not one object
    ("honoured", "application/yaml", 406),
    ("ignored", METADATA_LIST, "ServiceAccountList"),
    ("refused", METADATA_LIST, 406),
    ("refused", "application/json", "ServiceAccountList"),
], ids=["metadata-list", "object-kind-on-a-list", "unserved-type", "ignored", "refused", "refused-plain-json"])
def test_list_content_negotiation(fake_api, client, mode, accept, expected):
    fake_api.partial_metadata = mode
    fake_api.put_service_account("team-a", "app")
    r = client.get("/api/v1/serviceaccounts", headers={"Accept": accept})
    if expected == 406:
        assert (r.status_code, r.json()["reason"]) == (406, "NotAcceptable")
    elif expected == 200:
        assert (r.status_code, r.json()["kind"]) == (200, "PartialObjectMetadataList")
    else:
        assert (r.status_code, r.json()["kind"]) == (200, expected)
