import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * metrics-server from its upstream chart (3.13.1 ships metrics-server 0.8.1), into kube-system, where
 * the platform does not ship it: HPAs scale on its figures and do nothing without it. EKS installs it
 * as an EKS add-on instead.
 */
export function installMetricsServer(
  cluster: { kubeletCertificates: "self-signed" | "cluster-ca" },
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  return new k8s.helm.v3.Release(
    "metrics-server",
    {
      name: "metrics-server",
      chart: "metrics-server",
      version: "3.13.1",
      repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
      namespace: "kube-system",
      // kind's and k3d's kubelets serve self-signed certificates, which metrics-server would refuse.
      values: cluster.kubeletCertificates === "self-signed" ? { args: ["--kubelet-insecure-tls"] } : {},
    },
    opts,
  );
}
