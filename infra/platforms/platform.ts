import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { WarehouseDialect } from "../dashboards/sql-dialect.js";

/**
 * What a target (local, eks, doks) gives the cloud-neutral part of the program. Nothing here knows
 * what the apps are; nothing in infra/k8s knows which cloud it is on.
 */
export interface Platform {
  target: "local" | "eks" | "doks";
  /** Kubernetes provider for the cluster every workload goes to. */
  provider: k8s.Provider;
  /** Where release images live, e.g. `123.dkr.ecr.ap-southeast-1.amazonaws.com/moon`; absent when images are loaded straight into the nodes (local). */
  registry?: pulumi.Input<string>;
  /** A `.dockerconfigjson` (secret) when pulls need credentials; infra/k8s turns it into a pull secret. */
  registryAuth?: pulumi.Output<string>;
  database: DatabaseFacts;
  warehouse: WarehouseFacts;
  gateway: GatewayFacts;
  /** Resources the workloads must wait for (node groups, add-ons). */
  dependsOn?: pulumi.Resource[];
  /** Target-specific stack outputs (kubeconfig as a secret, registry, database host). */
  outputs: Record<string, pulumi.Input<unknown>>;
}

/** Where pods may open connections for a data store: CIDRs (managed services) or in-cluster pods. */
export interface EgressTarget {
  port: number;
  cidrs?: pulumi.Input<string>[];
  pods?: { namespace: string; labels: Record<string, string> };
}

export interface DatabaseFacts {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  name: pulumi.Input<string>;
  user: pulumi.Input<string>;
  password: pulumi.Output<string>;
  /** libpq-style mode the services' DATABASE_URL carries; managed MySQL on DigitalOcean needs TLS. */
  sslMode: "disable" | "require" | "verify-full";
  caCert?: pulumi.Output<string>;
  egress: EgressTarget;
}

export interface WarehouseFacts {
  /** Whole WAREHOUSE_URL (mysql://, postgres:// or redshift://) with its password: a secret. */
  url: pulumi.Output<string>;
  egress: EgressTarget;
  /** How Grafana reads the warehouse; present when monitoring is on (the Sales KPI dashboard's datasource). */
  reader?: WarehouseReader;
}

/** A read-only way into the warehouse for Grafana: a SQL user, or (Redshift) an IAM identity and the Data API. */
export type WarehouseReader = SqlWarehouseReader | RedshiftWarehouseReader;

export interface SqlWarehouseReader {
  engine: Exclude<WarehouseDialect, "redshift">;
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
  database: pulumi.Input<string>;
  /** A user that may only SELECT from the warehouse's tables. */
  user: pulumi.Input<string>;
  password: pulumi.Output<string>;
  /**
   * verify-full: TLS, the server's certificate checked against `caCert` and its host name; skip-verify:
   * TLS without a check (an in-cluster server with a self-signed certificate).
   */
  tls: "skip-verify" | "verify-full";
  caCert?: pulumi.Input<string>;
}

export interface RedshiftWarehouseReader {
  engine: "redshift";
  region: pulumi.Input<string>;
  /** Redshift Serverless workgroup the Data API runs the queries in. */
  workgroupName: pulumi.Input<string>;
  database: pulumi.Input<string>;
}

export interface GatewayFacts {
  /** Annotations for the gateway's LoadBalancer Service (AWS NLB, DO load balancer). */
  serviceAnnotations: Record<string, pulumi.Input<string>>;
  serviceType: "LoadBalancer" | "NodePort" | "ClusterIP";
  /** False where the cluster ships and manages the Gateway API CRDs itself (DOKS). */
  installGatewayApiCrds: boolean;
  /** Base URL clients use when no `domain` is configured (local: a port-forward); absent, the Gateway's reported address is used. */
  url?: pulumi.Input<string>;
}
