import * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DoksSettings } from "../../config.js";

export interface DoksCluster {
  vpc: digitalocean.Vpc;
  cluster: digitalocean.KubernetesCluster;
  /** Freshly issued on every `pulumi up`; a secret. */
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

  // The kubeconfig stored on the cluster resource carries a token that lapses after seven days
  // (pulumi-digitalocean#77). Reading it again on every run keeps the provider's credentials fresh;
  // keying the read on the id makes it wait for the cluster instead of failing in the first preview.
  const kubeconfig = pulumi.secret(
    digitalocean
      .getKubernetesClusterOutput(
        { name: pulumi.all([cluster.id, cluster.name]).apply(([, clusterName]) => clusterName) },
        { parent: opts.parent },
      )
      .kubeConfigs.apply((configs) => {
        const raw = configs[0]?.rawConfig;
        if (!raw) throw new Error("DigitalOcean returned no kubeconfig for the cluster");
        return raw;
      }),
  );
  const provider = new k8s.Provider(name, { kubeconfig }, opts);
  return { vpc, cluster, kubeconfig, provider };
}
