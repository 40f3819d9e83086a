"""The controller lists and watches ServiceAccounts as metadata only (a PartialObjectMetadataList, PartialObjectMetadata
events, plain JSON as the server's fallback), as the webhook does: all it reads of one (namespace, name, annotations,
resourceVersion) is in `metadata`. It grants the trust, annotates the ServiceAccount once and then sees the annotation
(no second patch), whether the server honours that, ignores it (full objects), or refuses it (406: said once, and full
objects from then on)."""
import pytest

from helpers.kube_source import LIST_ACCEPT, OBJECT_ACCEPT, service_account_accepts


def distinct(values):
    return list(dict.fromkeys(values))


@pytest.mark.parametrize("mode, lists, watches", [
    ("honoured", [LIST_ACCEPT], [OBJECT_ACCEPT]),
    ("ignored", [LIST_ACCEPT], [OBJECT_ACCEPT]),
    ("refused", [LIST_ACCEPT, "application/json"], ["application/json"]),
])
def test_service_accounts_are_watched_as_metadata_only(cluster, mode, lists, watches):
    cluster.api.partial_metadata = mode
    controller = cluster.start_granted("kf-meta", "meta", "--resync-period", "300ms")
    after_first = controller.reconciles()
    controller.wait_for(lambda: controller.reconciles() >= after_first + 3, "three more reconciles")
    assert cluster.owned_subjects("kf-meta") == ["system:serviceaccount:meta:default-editor"]
    patches = cluster.api.count(lambda method, path, query: method == "PATCH" and path.endswith("/meta/serviceaccounts/default-editor"))
    assert patches == 1
    assert distinct(service_account_accepts(cluster.api, watch=False)) == lists
    assert distinct(service_account_accepts(cluster.api, watch=True)) == watches
    refusal = "serviceaccounts: the API server refuses metadata-only responses (HTTP 406"
    if mode == "refused":  # the log writer flushes within 100 ms
        controller.wait_for(lambda: refusal in controller.logs(), "the 406 in the log")
    assert controller.logs().count(refusal) == (1 if mode == "refused" else 0)
