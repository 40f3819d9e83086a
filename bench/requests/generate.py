#!/usr/bin/env python3
"""Generates benchmark inputs at run time (nothing big is committed).

  generate.py review [--bytes N] [--namespace NS] [--service-account SA] OUT
      An AdmissionReview for a Pod as the apiserver sends it when a Deployment's ReplicaSet creates it:
      two containers (env with valueFrom, probes, mounts), volumes (including the projected
      kube-api-access volume the ServiceAccount admission plugin adds), tolerations, ownerReferences,
      managedFields: the pod is about 3.6 KB, the review 4.3 KB. With --bytes N the review is exactly N
      bytes (from a one-container pod when N is below the standard size, ~0.9 KB minimum): half of
      the growth is more containers (so the patch, its escaping and its base64 grow too), the other
      half a last-applied-configuration annotation full of escaped quotes and non-ASCII text.

  generate.py service-accounts --count N (--annotated-every K | --annotated-count A) [--namespace-count M] OUT
      ServiceAccounts as JSON `kind: List` documents. With OUT ending in `/` or naming an existing
      folder, the accounts are split into files of at most --per-file items (the webhook refuses
      single files over 16 MiB). Account i is `ns-XXXX/sa-XXXXXX`; annotated accounts carry
      `eks.amazonaws.com/role-arn`. The first account is always annotated: it is the one the
      benchmark pod uses (`ns-0000/sa-000000`).

Output is deterministic: the same arguments give the same bytes.
"""
import argparse
import json
import os
import sys

ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
ACCOUNT_ID = "123456789012"


def account_name(i):
    return f"sa-{i:06d}"


def namespace_name(i, namespace_count):
    return f"ns-{i % namespace_count:04d}"


def container(name, image, index):
    """A container as it looks after the apiserver's defaulting."""
    return {
        "name": name,
        "image": image,
        "command": ["/app/server"],
        "args": [f"--shard={index}"],
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "checkout-db", "key": "password"}}},
            {"name": "FEATURE_FLAGS", "valueFrom": {"configMapKeyRef": {"name": "checkout-flags", "key": "flags"}}},
            {"name": "LOG_LEVEL", "value": "info"},
        ],
        "resources": {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/checkout", "readOnly": True},
            {"name": "kube-api-access-7xk2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
             "readOnly": True},
        ],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
                          "initialDelaySeconds": 10, "timeoutSeconds": 1, "periodSeconds": 10,
                          "successThreshold": 1, "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http", "scheme": "HTTP"},
                           "timeoutSeconds": 1, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 3},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }


def sidecar():
    """A log-shipping sidecar: smaller, env from the downward API, no probes."""
    return {
        "name": "log-shipper",
        "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0",
        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
        "volumeMounts": [{"name": "kube-api-access-7xk2p", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                          "readOnly": True}],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }


def pod(namespace, service_account):
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "generateName": "checkout-5d8c7b9f4-",
            "namespace": namespace,
            "creationTimestamp": None,
            "labels": {"app.kubernetes.io/name": "checkout", "app.kubernetes.io/part-of": "shop",
                       "pod-template-hash": "5d8c7b9f4"},
            "annotations": {"prometheus.io/scrape": "true", "prometheus.io/port": "8080"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "checkout-5d8c7b9f4",
                                 "uid": "0b6f3a57-2c1e-4b8e-9d55-6f1e2a7c9b31", "controller": True,
                                 "blockOwnerDeletion": True}],
            "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                               "time": "2026-11-28T10:15:02Z", "fieldsType": "FieldsV1",
                               "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}},
                                                           "f:ownerReferences": {".": {}}}}}],
        },
        "spec": {
            "volumes": [
                {"name": "config", "configMap": {"name": "checkout-config", "defaultMode": 420}},
                {"name": "kube-api-access-7xk2p", "projected": {"sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                        "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}], "defaultMode": 420}},
            ],
            "containers": [
                container("checkout", "123456789012.dkr.ecr.us-west-2.amazonaws.com/shop/checkout:1.42.0", 0),
                sidecar(),
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": service_account,
            "serviceAccount": service_account,
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
            ],
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {},
    }


def review(pod_object, uid="705ab4f5-6393-11e8-b7cc-42010a800002"):
    return {
        "kind": "AdmissionReview",
        "apiVersion": "admission.k8s.io/v1",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": pod_object["metadata"]["namespace"],
            "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller",
                         "uid": "3c1e0f0a-5b2d-4d8e-8a4f-6e9b1c2d3f4a",
                         "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system",
                                    "system:authenticated"]},
            "object": pod_object,
            "oldObject": None,
            "dryRun": False,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"},
        },
    }


def encode(value):
    # The apiserver sends compact JSON.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# A line of configuration text full of characters that need escaping in JSON (quotes, backslashes,
# control characters) and multi-byte UTF-8, repeated to fill the annotation.
FILLER_LINE = 'key="valeur été \\ 東京 ✓" path=C:\\data\\x\ttab "quoted" \u00e9\u00e8 end\n'


def minimal_pod(namespace, service_account):
    """The smallest realistic pod (one container, no probes) for the low end of the size curve."""
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"generateName": "job-", "namespace": namespace, "annotations": {}},
        "spec": {"containers": [{"name": "main", "image": "public.ecr.aws/docker/library/busybox:1.36",
                                 "command": ["sh", "-c", "date"]}],
                 "restartPolicy": "Never", "serviceAccountName": service_account},
    }


def grown_review(target_bytes, namespace, service_account):
    """The standard pod (or the minimal one below its size), grown to target_bytes."""
    grown = pod(namespace, service_account)
    base = len(encode(review(grown)))
    if target_bytes == 0:
        return encode(review(grown))
    if target_bytes < base:
        grown = minimal_pod(namespace, service_account)
        base = len(encode(review(grown)))
    growth = max(0, target_bytes - base)
    one_container = len(encode(container("worker-000000", "registry.example/worker:1", 0))) + 1
    extra_containers = (growth // 2) // one_container
    for i in range(extra_containers):
        grown["spec"]["containers"].append(
            container(f"worker-{i:06d}", "registry.example/worker:1", i + 2))
    annotation_key = "kubectl.kubernetes.io/last-applied-configuration"
    grown["metadata"]["annotations"][annotation_key] = ""
    remaining = target_bytes - len(encode(review(grown)))
    # Each filler line costs more encoded bytes than characters (escapes, UTF-8): measure it.
    line_cost = len(encode(FILLER_LINE)) - 2
    text = FILLER_LINE * max(0, remaining // line_cost)
    grown["metadata"]["annotations"][annotation_key] = text
    remaining = target_bytes - len(encode(review(grown)))
    if remaining > 0:
        grown["metadata"]["annotations"][annotation_key] = text + "x" * remaining
    return encode(review(grown))


def service_accounts(count, annotated_every, annotated_count, namespace_count):
    for i in range(count):
        metadata = {"name": account_name(i), "namespace": namespace_name(i, namespace_count),
                    "uid": f"00000000-0000-4000-8000-{i:012d}"}
        annotated = i == 0 or (annotated_every and i % annotated_every == 0) or i < annotated_count
        if annotated:
            metadata["annotations"] = {ROLE_ANNOTATION: f"arn:aws:iam::{ACCOUNT_ID}:role/{account_name(i)}"}
        yield {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}


def write_service_accounts(out, items, per_file):
    def document(chunk):
        body = b",\n".join(encode(item) for item in chunk)
        return b'{"apiVersion":"v1","kind":"List","items":[\n' + body + b"\n]}\n"

    as_folder = out.endswith("/") or os.path.isdir(out)
    if not as_folder:
        with open(out, "wb") as f:
            f.write(document(items))
        return
    os.makedirs(out, exist_ok=True)
    for start in range(0, len(items), per_file):
        with open(os.path.join(out, f"service-accounts-{start // per_file:04d}.json"), "wb") as f:
            f.write(document(items[start:start + per_file]))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("review")
    r.add_argument("--bytes", type=int, default=0, help="grow the review to this many bytes (0: the ~3.5 KB pod)")
    r.add_argument("--namespace", default=namespace_name(0, 1))
    r.add_argument("--service-account", default=account_name(0))
    r.add_argument("out")
    s = sub.add_parser("service-accounts")
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--annotated-every", type=int, default=0, help="annotate every K-th account (5: a fifth)")
    s.add_argument("--annotated-count", type=int, default=1, help="annotate the first A accounts")
    s.add_argument("--namespace-count", type=int, default=100)
    s.add_argument("--per-file", type=int, default=20000, help="items per file when OUT is a folder")
    s.add_argument("out")
    args = parser.parse_args(argv)

    if args.command == "review":
        if args.bytes < 0 or args.bytes > 64 << 20:
            parser.error("--bytes must be between 0 and 64 MiB")
        data = grown_review(args.bytes, args.namespace, args.service_account)
        with open(args.out, "wb") as f:
            f.write(data)
    else:
        if args.count < 1 or args.count > 10_000_000:
            parser.error("--count must be between 1 and 10,000,000")
        if args.namespace_count < 1 or args.per_file < 1:
            parser.error("--namespace-count and --per-file must be positive")
        items = list(service_accounts(args.count, args.annotated_every, args.annotated_count, args.namespace_count))
        write_service_accounts(args.out, items, args.per_file)


if __name__ == "__main__":
    main(sys.argv[1:])
