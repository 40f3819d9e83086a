"""What the webhook tests send: AdmissionReviews and the ServiceAccount manifests they refer to."""

SERVICE_ACCOUNTS = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reader
  namespace: team-a
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/s3-reader
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: plain
  namespace: team-a
"""


def review(sa="reader", namespace="team-a", api_version="admission.k8s.io/v1", uid="uid-1", pod=None):
    """An AdmissionReview of a new pod of `namespace/sa` (or of `pod` as given)."""
    pod = pod or {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": namespace},
        "spec": {"serviceAccountName": sa, "containers": [{"name": "app", "image": "busybox"}]},
    }
    return {"apiVersion": api_version, "kind": "AdmissionReview",
            "request": {"uid": uid, "namespace": namespace, "operation": "CREATE",
                        "kind": {"group": "", "version": "v1", "kind": "Pod"}, "object": pod}}
