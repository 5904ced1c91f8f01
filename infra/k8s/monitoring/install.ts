import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { datasourceUids, warehousePluginIds } from "../../dashboards/grafana.js";
import type { WarehouseDialect } from "../../dashboards/sql-dialect.js";
import { partOf } from "../apps.js";
import { mebibytesOf } from "../pod.js";
import { dashboardLabels, datasourceLabels, folderAnnotation, redshiftPlugin } from "./grafana.js";

const monitoringChart = "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack";
/** Helm release name: it prefixes every object of the chart (`kube-prometheus-stack-prometheus`, …). */
export const releaseName = "kube-prometheus-stack";

/** Where the chart's Prometheus answers (its Service is named after the release), for `npm run release`'s analysis. */
export const prometheusServiceOf = (namespace: string) => ({
  namespace,
  service: `${releaseName}-prometheus`,
  port: 9090,
});
export const grafanaAdminSecret = "grafana-admin";
/** Labels the Grafana chart puts on Grafana's pods (an existing Grafana's chart too): what data stores admit. */
export const grafanaPodLabels = { "app.kubernetes.io/name": "grafana" };
/** Grafana's service account (the chart names it after the release): what AWS grants the warehouse's reading to. */
export const grafanaServiceAccount = `${releaseName}-grafana`;
/** Labels the Prometheus Operator puts on every Prometheus pod it runs: what NetworkPolicies admit to scrape. */
export const prometheusPodLabels = { "app.kubernetes.io/name": "prometheus" };

export interface MonitoringInstallArgs {
  namespace: string;
  chartVersion: string;
  /** Prometheus's PersistentVolumeClaim; an emptyDir when unset. */
  storageSize?: string;
  storageClass?: string;
  /** The warehouse Grafana reads: Redshift needs a datasource plugin Grafana does not ship. */
  warehouse?: WarehouseDialect;
}

type Values = Record<string, unknown>;

const sized = (cpu: string, memory: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { memory: memoryLimit },
});

/** Disk Prometheus may fill before it drops the oldest blocks: 80 % of its volume, the rest for the WAL. */
const retentionSizeFor = (size: string) => `${Math.max(1, Math.floor((mebibytesOf(size) * 0.8) / 1024))}GB`;
const emptyDirSize = "8Gi";

/**
 * Helm values for kube-prometheus-stack, sized for two 2-vCPU/4-GB nodes shared with the app
 * (README: "Monitoring"). Everything another module tunes (Grafana dashboards, datasources) goes
 * through this one function so there is one place that knows the chart's value layout.
 */
export function monitoringValues(args: MonitoringInstallArgs): Values {
  const storage = args.storageSize ?? emptyDirSize;
  return {
    // Managed control planes (EKS, DOKS) do not expose these to scraping: without this they are only TargetDown alerts.
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeEtcd: { enabled: false },
    kubeProxy: { enabled: false },
    windowsMonitoring: { enabled: false },
    prometheusOperator: { resources: sized("50m", "96Mi", "256Mi") },
    prometheus: {
      prometheusSpec: {
        scrapeInterval: "30s",
        evaluationInterval: "30s",
        // The slow burn-rate alert looks back three days; a week leaves room for an incident review.
        retention: "7d",
        retentionSize: retentionSizeFor(storage),
        resources: sized("200m", "512Mi", "1536Mi"),
        storageSpec: args.storageSize
          ? {
              volumeClaimTemplate: {
                spec: {
                  ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
                  accessModes: ["ReadWriteOnce"],
                  resources: { requests: { storage: args.storageSize } },
                },
              },
            }
          : { emptyDir: { sizeLimit: emptyDirSize } },
        // Select monitors and rules in every namespace, not only those labelled with this release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
    alertmanager: {
      alertmanagerSpec: {
        resources: sized("10m", "48Mi", "128Mi"),
        // Receivers come from AlertmanagerConfig objects (infra/k8s/monitoring/receivers.ts) in any namespace.
        alertmanagerConfigSelector: {},
        alertmanagerConfigNamespaceSelector: {},
      },
    },
    grafana: {
      admin: { existingSecret: grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
      resources: sized("50m", "160Mi", "320Mi"),
      ...(args.warehouse === "redshift"
        ? {
            plugins: [redshiftPlugin],
            // From Grafana 12.4 a plugin's process gets none of Grafana's environment unless listed here;
            // the Redshift plugin needs the AWS variables EKS Pod Identity puts there for its credentials.
            "grafana.ini": { plugins: { forward_host_env_vars: warehousePluginIds.redshift } },
          }
        : {}),
      sidecar: {
        resources: sized("10m", "64Mi", "128Mi"),
        // The chart's defaults, stated: what the program's ConfigMaps and Secret are labelled with.
        dashboards: {
          label: Object.keys(dashboardLabels)[0],
          labelValue: Object.values(dashboardLabels)[0],
          searchNamespace: "ALL",
          // Dashboards go to the folder their ConfigMap's annotation names (the chart's default is none).
          folderAnnotation,
          provider: { foldersFromFilesStructure: true },
        },
        // The chart provisions Prometheus with this uid; the operations dashboard defaults to it.
        datasources: {
          uid: datasourceUids.prometheus,
          label: Object.keys(datasourceLabels)[0],
          labelValue: Object.values(datasourceLabels)[0],
        },
      },
    },
    "kube-state-metrics": { resources: sized("10m", "64Mi", "192Mi") },
    "prometheus-node-exporter": { resources: sized("10m", "24Mi", "64Mi") },
  };
}

/**
 * The monitoring namespace, Grafana's admin credentials and the pinned kube-prometheus-stack release:
 * Prometheus Operator, Prometheus, Alertmanager, Grafana, kube-state-metrics and node-exporter.
 */
export class MonitoringInstall extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;
  readonly namespace: pulumi.Output<string>;

  constructor(name: string, args: MonitoringInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:MonitoringInstall", name, {}, opts);
    const parent = { parent: this };

    const namespace = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: args.namespace,
          // node-exporter reads the host's /proc and /sys and shares its network: it needs the privileged standard.
          labels: { "app.kubernetes.io/part-of": partOf, "pod-security.kubernetes.io/enforce": "privileged" },
        },
      },
      parent,
    );

    // The chart's own default password is public; this one is generated and kept as a Pulumi secret.
    this.namespace = namespace.metadata.name;
    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 24, special: false }, parent);
    const adminSecret = new k8s.core.v1.Secret(
      grafanaAdminSecret,
      {
        metadata: {
          name: grafanaAdminSecret,
          namespace: namespace.metadata.name,
          labels: { "app.kubernetes.io/part-of": partOf },
        },
        stringData: { "admin-user": "admin", "admin-password": password.result },
      },
      parent,
    );

    this.release = new k8s.helm.v3.Release(
      releaseName,
      {
        name: releaseName,
        chart: monitoringChart,
        version: args.chartVersion,
        namespace: namespace.metadata.name,
        // CRDs (ServiceMonitor, PrometheusRule, AlertmanagerConfig…) come with the first install; see README for upgrades.
        skipCrds: false,
        values: monitoringValues(args),
      },
      { parent: this, dependsOn: [adminSecret] },
    );
    this.registerOutputs({ release: this.release.status });
  }
}
