import * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DoksSettings } from "../../config.js";

export interface DoksCluster {
  vpc: digitalocean.Vpc;
  cluster: digitalocean.KubernetesCluster;
  /** Authenticates through `doctl` (DIGITALOCEAN_ACCESS_TOKEN or `doctl auth init`); a secret. */
  kubeconfig: pulumi.Output<string>;
  provider: k8s.Provider;
}

/**
 * A VPC and a DOKS cluster in it: the newest release matching the configured prefix, an autoscaling
 * node pool, surge upgrades inside a weekly maintenance window.
 */
export function doksCluster(name: string, settings: DoksSettings, opts: pulumi.ComponentResourceOptions): DoksCluster {
  const vpc = new digitalocean.Vpc(name, { region: settings.region, ipRange: settings.vpcCidr }, opts);
  const release = digitalocean.getKubernetesVersionsOutput(
    { versionPrefix: settings.kubernetesVersionPrefix },
    { parent: opts.parent },
  );

  const cluster = new digitalocean.KubernetesCluster(
    name,
    {
      region: settings.region,
      vpcUuid: vpc.id,
      version: release.latestVersion,
      ha: settings.highAvailability,
      // Credentials the resource itself holds expire in an hour; the provider does not use them.
      kubeconfigExpireSeconds: 3600,
      // DigitalOcean applies patch releases in the window, replacing nodes one surge node at a time.
      autoUpgrade: true,
      surgeUpgrade: true,
      maintenancePolicy: { day: settings.maintenance.day, startTime: settings.maintenance.startTime },
      nodePool: {
        name: `${name}-default`,
        size: settings.nodes.size,
        autoScale: true,
        minNodes: settings.nodes.minNodes,
        maxNodes: settings.nodes.maxNodes,
      },
    },
    // Auto-upgrades move the version and the autoscaler the node count; neither is drift to undo.
    { ...opts, ignoreChanges: ["version", "nodePool.nodeCount"] },
  );

  // The provider authenticates through doctl on every call, as EKS's kubeconfig does through
  // `aws eks get-token`: no stored token lapses after seven days (pulumi-digitalocean#77, #312), so
  // `pulumi destroy` and `pulumi refresh` work on a stack untouched for weeks. The token the cluster
  // resource still holds is short-lived (#78) and used by nothing.
  const kubeconfig = pulumi.secret(
    pulumi
      .all([cluster.id, cluster.name, cluster.endpoint, cluster.kubeConfigs])
      .apply(([id, clusterName, endpoint, configs]) =>
        execKubeconfig(id, clusterName, endpoint, configs?.[0]?.clusterCaCertificate),
      ),
  );
  const provider = new k8s.Provider(name, { kubeconfig, clusterIdentifier: cluster.id }, opts);
  return { vpc, cluster, kubeconfig, provider };
}

/** A kubeconfig whose user runs `doctl kubernetes cluster kubeconfig exec-credential` (what `doctl kubernetes cluster kubeconfig save` writes). */
function execKubeconfig(id: string, clusterName: string, endpoint: string, caData: string | undefined): string {
  const context = `do-${clusterName}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "doctl",
            args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", id],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
  });
}
