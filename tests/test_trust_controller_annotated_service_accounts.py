"""--annotated-service-accounts: a ServiceAccount with <prefix>/role-arn and <prefix>/manage-trust "true" in a namespace
that --namespace-selector selects is trusted; the same in an unselected namespace, or without manage-trust, is not."""
from helpers.trust_controller_env import role_arn


def annotations(role, manage=True):
    result = {"eks.amazonaws.com/role-arn": role}
    if manage:
        result["eks.amazonaws.com/manage-trust"] = "true"
    return result


def test_annotated_service_accounts_in_selected_namespaces(cluster):
    cluster.create_role("kf-apps")
    cluster.api.put_namespace("team-a", labels={"irsa": "managed"})
    cluster.api.put_namespace("team-b", labels={"irsa": "off"})
    cluster.api.put_service_account("team-a", "app", annotations=annotations(role_arn("kf-apps")))
    cluster.api.put_service_account("team-a", "plain", annotations=annotations(role_arn("kf-apps"), manage=False))
    cluster.api.put_service_account("team-b", "app", annotations=annotations(role_arn("kf-apps")))
    controller = cluster.start("--annotated-service-accounts", "--namespace-selector", "irsa=managed")
    controller.wait_for(lambda: cluster.owned_subjects("kf-apps"), "the subject")
    assert cluster.owned_subjects("kf-apps") == ["system:serviceaccount:team-a:app"]
    granted = cluster.events("TrustGranted")
    assert [(e["regarding"]["kind"], e["regarding"]["namespace"], e["regarding"]["name"]) for e in granted] == \
        [("ServiceAccount", "team-a", "app")]
    assert granted[0]["metadata"]["namespace"] == "team-a"
