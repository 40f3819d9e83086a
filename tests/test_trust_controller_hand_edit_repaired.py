"""Someone removes the controller's subject by hand: the next resync (it re-reads IAM) puts it back."""
import json

from helpers.trust_controller_env import SID, SUB, profile_plugin, role_arn

SUBJECT = "system:serviceaccount:ken:default-editor"


def test_hand_edit_repaired_on_resync(cluster):
    cluster.create_role("kf-ken")
    cluster.api.put_service_account("ken", "default-editor")
    cluster.api.put_profile("ken", plugins=profile_plugin(role_arn("kf-ken")))
    controller = cluster.start("--resync-period", "1s")
    controller.wait_for(lambda: cluster.owned_subjects("kf-ken") == [SUBJECT], "the subject")
    document = cluster.trust("kf-ken")
    for statement in document["Statement"]:
        if statement["Sid"] == SID:
            statement["Condition"]["StringEquals"][SUB] = ["system:serviceaccount:ken:someone-else"]
    cluster.iam.update_assume_role_policy(RoleName="kf-ken", PolicyDocument=json.dumps(document))
    controller.wait_for(lambda: cluster.owned_subjects("kf-ken") == [SUBJECT], "the subject repaired")
    assert controller.writes() == 2
