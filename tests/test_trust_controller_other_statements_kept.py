"""The controller owns one statement (by Sid); every other statement of the trust policy stays as the admin wrote it."""
from helpers.trust_controller_env import PROVIDER_ARN, SID, base_statement, profile_plugin, role_arn

EC2 = {"Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}


def test_other_statements_kept(cluster):
    admins = base_statement()
    cluster.create_role("kf-carol", [admins, EC2])
    cluster.api.put_service_account("carol", "default-editor")
    cluster.api.put_profile("carol", plugins=profile_plugin(role_arn("kf-carol")))
    controller = cluster.start()
    controller.wait_for(lambda: cluster.role_annotation("carol") == role_arn("kf-carol"), "the annotation")
    statements = cluster.trust("kf-carol")["Statement"]
    assert statements[0] == admins and statements[1] == EC2
    assert [s["Sid"] for s in statements] == ["Admins", "Ec2", SID]
    assert statements[2]["Principal"] == {"Federated": PROVIDER_ARN}
