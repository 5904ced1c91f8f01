import * as pulumi from "@pulumi/pulumi";
import { type EksSettings, eksDefaults, type StackConfig } from "../config.js";
import { grafanaServiceAccount } from "../k8s/monitoring/install.js";
import { type EksIdentity, eksCluster } from "./eks/cluster.js";
import { eksDatabase } from "./eks/database.js";
import { callerPrincipalArn, clusterVersion, liveClusterVersion } from "./eks/lookups.js";
import { eksNetwork } from "./eks/network.js";
import { eksLogGroups, eksObservability } from "./eks/observability.js";
import { eksRegistry } from "./eks/registry.js";
import { eksWarehouse } from "./eks/warehouse.js";
import { eksWarehouseReader } from "./eks/warehouse-reader.js";
import type { Platform } from "./platform.js";
import { setupNamespace } from "./setup-namespace.js";

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

    // Grafana's read-only way into Redshift, only where a Grafana will read the warehouse.
    const ready = [nodeGroup, ...clusterAddons];
    const reader = cfg.monitoring.enabled
      ? (() => {
          const setup = setupNamespace(`${cfg.namespace}-setup`, { parent: this, provider, dependsOn: ready });
          return eksWarehouseReader(
            {
              clusterName,
              eksClusterName: cluster.eksCluster.name,
              workgroup: warehouse.workgroup,
              database: cfg.warehouse.name,
              admin: warehouse.admin,
              grafana: cfg.monitoring.install
                ? { namespace: cfg.monitoring.namespace, serviceAccount: grafanaServiceAccount }
                : undefined,
              namespace: setup.metadata.name,
            },
            // The Pod Identity agent add-on is the first of the observability add-ons.
            { parent: this, dependsOn: addons.slice(0, 1) },
            { parent: this, provider, dependsOn: [...ready, setup] },
          );
        })()
      : undefined;

    const outputs = {
      kubeconfig,
      clusterName,
      registry: registry.repositoryUrl,
      databaseHost: database.instance.address,
      warehouseHost: warehouse.host,
      // For a Grafana the program does not install: associate its service account with this role.
      ...(reader ? { grafanaWarehouseRoleArn: reader.role.arn } : {}),
    };
    this.platform = {
      target: "eks",
      provider,
      registry: registry.repositoryUrl,
      database: database.facts,
      warehouse: { ...warehouse.facts, reader: reader?.reader },
      gateway: {
        serviceType: "LoadBalancer",
        // EKS's cloud controller makes an internet-facing NLB in the subnets tagged kubernetes.io/role/elb.
        serviceAnnotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        installGatewayApiCrds: true,
      },
      // Pods need nodes to land on, DNS and metrics (HPAs), and log shipping before the first one starts.
      dependsOn: [nodeGroup, ...clusterAddons, ...addons, ...(reader?.dependsOn ?? [])],
      outputs,
    };
    this.registerOutputs(outputs);
  }
}
