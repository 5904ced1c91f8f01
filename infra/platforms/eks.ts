import * as pulumi from "@pulumi/pulumi";
import { type EksSettings, eksDefaults, type StackConfig } from "../config.js";
import { type EksIdentity, eksCluster } from "./eks/cluster.js";
import { eksDatabase } from "./eks/database.js";
import { callerPrincipalArn, clusterVersion, liveClusterVersion } from "./eks/lookups.js";
import { eksNetwork } from "./eks/network.js";
import { eksLogGroups, eksObservability } from "./eks/observability.js";
import { eksRegistry } from "./eks/registry.js";
import { eksWarehouse } from "./eks/warehouse.js";
import type { Platform } from "./platform.js";

const clusterNameOf = (settings: EksSettings) => settings.clusterName ?? `moon-${pulumi.getStack()}`;

/**
 * AWS: a VPC over three AZs, EKS with a private managed node group, ECR, RDS MySQL and Redshift
 * Serverless reachable only from the nodes, container logs in CloudWatch, and an NLB for the gateway.
 * The region is the AWS provider's own setting (`aws:region`).
 */
export class EksPlatform extends pulumi.ComponentResource {
  readonly platform: Platform;

  /** Looks up who runs the program and the cluster's live version (./eks/lookups.ts), then builds. */
  static async create(name: string, cfg: StackConfig): Promise<EksPlatform> {
    const settings = cfg.eks ?? eksDefaults;
    const [callerArn, live] = await Promise.all([callerPrincipalArn(), liveClusterVersion(clusterNameOf(settings))]);
    return new EksPlatform(name, cfg, { callerArn, version: clusterVersion(settings.kubernetesVersion, live) });
  }

  constructor(name: string, cfg: StackConfig, identity: EksIdentity, opts?: pulumi.ComponentResourceOptions) {
    super("moon:platform:Eks", name, {}, opts);
    const settings = cfg.eks ?? eksDefaults;
    const clusterName = clusterNameOf(settings);
    const parent = { parent: this };

    const vpc = eksNetwork(clusterName, settings.network, parent);
    const logGroups = eksLogGroups(clusterName, settings.logRetentionDays, parent);
    const {
      cluster,
      nodeGroup,
      addons: clusterAddons,
      nodeSecurityGroupId,
      kubeconfig,
      provider,
    } = eksCluster(clusterName, settings, vpc, identity, { ...parent, dependsOn: logGroups });
    const addons = eksObservability(clusterName, cluster, nodeGroup, parent);
    const registry = eksRegistry(settings.registry, parent);
    const network = { vpc, cidr: settings.network.cidr, nodeSecurityGroupId };
    const database = eksDatabase(clusterName, { ...settings.database, ...cfg.database }, network, parent);
    const warehouse = eksWarehouse(clusterName, { ...settings.warehouse, ...cfg.warehouse }, network, parent);

    const outputs = {
      kubeconfig,
      clusterName,
      registry: registry.repositoryUrl,
      databaseHost: database.instance.address,
      warehouseHost: warehouse.host,
    };
    this.platform = {
      target: "eks",
      provider,
      registry: registry.repositoryUrl,
      database: database.facts,
      warehouse: warehouse.facts,
      gateway: {
        serviceType: "LoadBalancer",
        // EKS's cloud controller makes an internet-facing NLB in the subnets tagged kubernetes.io/role/elb.
        serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        installGatewayApiCrds: true,
      },
      // Pods need nodes to land on, DNS and metrics (HPAs), and log shipping before the first one starts.
      dependsOn: [nodeGroup, ...clusterAddons, ...addons],
      outputs,
    };
    this.registerOutputs(outputs);
  }
}
