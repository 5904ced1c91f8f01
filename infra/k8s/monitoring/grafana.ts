import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { datasourceUids, warehousePluginIds } from "../../dashboards/grafana.js";
import { dashboards } from "../../dashboards/index.js";
import type { WarehouseReader } from "../../platforms/platform.js";

/**
 * What kube-prometheus-stack's Grafana sidecars load (chart 88.5.3 values): ConfigMaps or Secrets
 * labelled `grafana_dashboard: "1"` from every namespace, and `grafana_datasource: "1"` from Grafana's own.
 */
export const dashboardLabels = { grafana_dashboard: "1" };
export const datasourceLabels = { grafana_datasource: "1" };
/** The annotation the dashboard sidecar reads the Grafana folder from (set in monitoringValues). */
export const folderAnnotation = "grafana_folder";
const dashboardFolder = "Moon Agent Tracker";
/** Grafana's Amazon Redshift datasource, pinned (`id@version`, as Grafana's plugin preinstall reads it). */
export const redshiftPlugin = `${warehousePluginIds.redshift}@2.5.0`;
/** Kubernetes refuses a ConfigMap whose data is over 1 MiB. */
export const configMapLimitBytes = 1024 * 1024;

/** A dashboard's ConfigMap data: the board as compact JSON, refused before the API server would. */
export function dashboardData(file: string, board: unknown): Record<string, string> {
  const json = JSON.stringify(board);
  const bytes = Buffer.byteLength(file) + Buffer.byteLength(json);
  if (bytes > configMapLimitBytes) {
    throw new Error(`dashboard ${file} is ${bytes} bytes: more than a ConfigMap holds (${configMapLimitBytes})`);
  }
  return { [file]: json };
}

export interface GrafanaContentArgs {
  /** Grafana's namespace: its datasource sidecar looks only there. */
  namespace: pulumi.Input<string>;
  /** The app's namespace and the colour taking traffic, baked into the operations dashboard. */
  appNamespace: string;
  activeColour: string;
  warehouse: WarehouseReader;
  labels: Record<string, string>;
}

/**
 * Both dashboards, from the same builders `npm run dashboards` uses, as ConfigMaps for the sidecar (in
 * the "Moon Agent Tracker" folder), and the warehouse datasource as a Secret (it holds a password). The
 * Prometheus datasource is the chart's own, whose uid the dashboards default to.
 */
export function grafanaContent(args: GrafanaContentArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  const files = dashboards({
    warehouses: [args.warehouse.engine],
    activeColour: args.activeColour,
    namespace: args.appNamespace,
  });
  const configMaps = Object.entries(files).map(
    ([file, board]) =>
      new k8s.core.v1.ConfigMap(
        `dashboard-${file.replace(/\.json$/, "")}`,
        {
          metadata: {
            name: `dashboard-${file.replace(/\.json$/, "")}`,
            namespace: args.namespace,
            labels: { ...args.labels, ...dashboardLabels },
            annotations: { [folderAnnotation]: dashboardFolder },
          },
          data: dashboardData(file, board),
        },
        opts,
      ),
  );
  const datasource = new k8s.core.v1.Secret(
    "grafana-warehouse-datasource",
    {
      metadata: {
        name: "grafana-warehouse-datasource",
        namespace: args.namespace,
        labels: { ...args.labels, ...datasourceLabels },
      },
      // Grafana reads provisioning files as YAML, of which JSON is a part.
      stringData: {
        "moon-warehouse.yaml": pulumi.secret(
          warehouseDatasource(args.warehouse).apply((ds) => JSON.stringify({ apiVersion: 1, datasources: [ds] })),
        ),
      },
    },
    opts,
  );
  return [...configMaps, datasource];
}

/** The warehouse as a Grafana provisioned datasource, with the uid the Sales KPI dashboard names. */
function warehouseDatasource(reader: WarehouseReader): pulumi.Output<object> {
  const common = {
    name: "Moon warehouse",
    uid: datasourceUids.warehouse,
    type: warehousePluginIds[reader.engine],
    access: "proxy",
    editable: false,
  };
  if (reader.engine === "redshift") {
    // Credentials from the AWS SDK's default chain: EKS Pod Identity gives Grafana's service account a role.
    return pulumi.output({
      ...common,
      jsonData: {
        authType: "default",
        defaultRegion: reader.region,
        useServerless: true,
        workgroupName: reader.workgroupName,
        database: reader.database,
      },
    });
  }
  const verified = reader.tls === "verify-full";
  const tls = {
    mysql: verified ? { tlsAuthWithCACert: true } : { tlsSkipVerify: true },
    postgres: verified ? { sslmode: "verify-full", tlsConfigurationMethod: "file-content" } : { sslmode: "require" },
  };
  return pulumi.output({
    ...common,
    url: pulumi.interpolate`${reader.host}:${reader.port}`,
    user: reader.user,
    jsonData: { database: reader.database, ...tls[reader.engine] },
    secureJsonData: { password: reader.password, ...(verified ? { tlsCACert: reader.caCert } : {}) },
  });
}
