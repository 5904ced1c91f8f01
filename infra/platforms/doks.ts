import * as pulumi from "@pulumi/pulumi";
import { doksDefaults, type StackConfig } from "../config.js";
import { doksCluster } from "./doks/cluster.js";
import { doksDatabase, doksWarehouse } from "./doks/database.js";
import { doksRegistry } from "./doks/registry.js";
import { warehouseGrants } from "./doks/warehouse-grants.js";
import { doksWarehouseReader } from "./doks/warehouse-reader.js";
import { installMetricsServer } from "./metrics-server.js";
import type { Platform } from "./platform.js";
import { setupNamespace } from "./setup-namespace.js";

/**
 * DigitalOcean: a VPC, DOKS with an autoscaling node pool, DOCR with a pull secret, managed MySQL
 * (and optionally PostgreSQL for the warehouse) firewalled to the cluster, and a DO load balancer.
 */
export class DoksPlatform extends pulumi.ComponentResource {
  readonly platform: Platform;

  constructor(name: string, cfg: StackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("moon:platform:Doks", name, {}, opts);
    const settings = cfg.doks ?? doksDefaults;
    const prefix = `moon-${pulumi.getStack()}`;
    const parent = { parent: this };

    const { vpc, cluster, kubeconfig, provider } = doksCluster(prefix, settings, parent);
    // DOKS offers metrics-server only as a Marketplace app: without it the HPAs never scale.
    const metricsServer = settings.metricsServer
      ? [installMetricsServer({ kubeletCertificates: "cluster-ca" }, { parent: this, provider, dependsOn: [cluster] })]
      : [];
    const registry = doksRegistry(prefix, settings, parent);
    const placement = { name: prefix, settings, vpc, cluster, opts: parent };
    const database = doksDatabase(placement, cfg.database);
    const warehouse = doksWarehouse(placement, database.mysql, { name: cfg.warehouse.name, user: cfg.database.user });
    const onCluster = { parent: this, provider, dependsOn: [cluster] };
    // One-shot set-up Jobs (warehouse grants) run here, before the app's namespace exists.
    const needsSetup = Boolean(warehouse.pg) || cfg.monitoring.enabled;
    const setup = needsSetup ? setupNamespace(`${cfg.namespace}-setup`, onCluster) : undefined;
    const inSetup = { ...onCluster, dependsOn: [cluster, ...(setup ? [setup] : [])] };
    const grants =
      warehouse.pg && setup
        ? [
            warehouseGrants(
              {
                namespace: setup.metadata.name,
                ...warehouse.pg,
                postgresVersion: settings.warehouse.postgresVersion,
              },
              inSetup,
            ),
          ]
        : [];
    // Grafana's read-only user, only where a Grafana will read the warehouse.
    const reader =
      cfg.monitoring.enabled && setup
        ? doksWarehouseReader(
            {
              name: `${prefix}-warehouse`,
              store: warehouse.store,
              namespace: setup.metadata.name,
              postgresVersion: settings.warehouse.postgresVersion,
            },
            parent,
            { ...inSetup, dependsOn: [...inSetup.dependsOn, ...grants] },
          )
        : undefined;

    const outputs = {
      kubeconfig,
      clusterName: cluster.name,
      registry: registry.endpoint,
      databaseHost: database.mysql.server.privateHost,
      warehouseHost: warehouse.host,
    };
    this.platform = {
      target: "doks",
      provider,
      registry: registry.endpoint,
      registryAuth: registry.dockerConfigJson,
      database: database.facts,
      warehouse: { ...warehouse.facts, reader: reader?.reader },
      gateway: {
        serviceType: "LoadBalancer",
        // A plain TCP balancer: the gateway terminates TLS itself. One size unit is the smallest (and cheapest).
        serviceAnnotations: {
          "service.beta.kubernetes.io/do-loadbalancer-name": `${prefix}-gateway`,
          "service.beta.kubernetes.io/do-loadbalancer-protocol": "tcp",
          "service.beta.kubernetes.io/do-loadbalancer-size-unit": "1",
        },
        // VPC-native DOKS clusters from 1.33 ship and manage the Gateway API CRDs themselves.
        installGatewayApiCrds: settings.gatewayApiCrds === "install",
      },
      dependsOn: [cluster, ...metricsServer, ...grants, ...(reader ? [reader.job] : [])],
      outputs,
    };
    this.registerOutputs(outputs);
  }
}
