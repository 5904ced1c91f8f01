import * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../config.js";
import type { WarehouseReader } from "../../platforms/platform.js";
import { type AppService, partOf } from "../apps.js";
import { grafanaContent } from "./grafana.js";
import { MonitoringInstall, prometheusPodLabels } from "./install.js";
import { serviceMonitors } from "./monitors.js";
import { alertReceivers } from "./receivers.js";
import { alertRules } from "./rules.js";

export interface MonitoringArgs {
  settings: MonitoringSettings;
  /** The app's namespace: monitors, rules and receivers live there. */
  namespace: pulumi.Input<string>;
  /** Its name as plain text: the rules select its series by it. */
  namespaceName: string;
  services: readonly AppService[];
  aggregatorSchedule: string;
  /** The release analysis's p99 threshold: the latency alert uses the same figure. */
  maxP99Seconds: number;
  /** The colour taking traffic (the operations dashboard marks it). */
  activeColour: string;
  /** How Grafana reads the warehouse: the Sales KPI dashboard's datasource. */
  warehouse: WarehouseReader;
}

/** Who scrapes the services, for the NetworkPolicies: Prometheus pods in the monitoring namespace. */
export const scrapersOf = (settings: MonitoringSettings) =>
  settings.enabled ? { namespace: settings.namespace, podLabels: prometheusPodLabels } : undefined;

/**
 * Everything that watches the app: the monitoring stack itself (unless the cluster already has a
 * Prometheus Operator), a ServiceMonitor per service, the alert rules, the alert receivers, and
 * Grafana's dashboards and warehouse datasource.
 */
export class Monitoring extends pulumi.ComponentResource {
  /** The kube-prometheus-stack release; undefined with `monitoring.install: false`. */
  readonly install?: MonitoringInstall;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:Monitoring", name, {}, opts);
    const { settings } = args;
    if (settings.install) {
      this.install = new MonitoringInstall(
        "monitoring",
        {
          namespace: settings.namespace,
          chartVersion: settings.chartVersion,
          storageSize: settings.storageSize,
          storageClass: settings.storageClass,
          warehouse: args.warehouse.engine,
        },
        { parent: this },
      );
    }
    // The monitoring kinds exist only once the chart has installed its CRDs.
    const objects = { parent: this, dependsOn: this.install ? [this.install.release] : [] };
    // Every monitoring object carries the project's part-of label beside what an existing Prometheus selects by.
    const labels = { ...settings.objectLabels, "app.kubernetes.io/part-of": partOf };

    serviceMonitors({ namespace: args.namespace, services: args.services, labels }, objects);

    alertRules(
      {
        namespace: args.namespace,
        labels,
        rules: {
          namespace: args.namespaceName,
          aggregatorSchedule: args.aggregatorSchedule,
          runbookBaseUrl: settings.runbookBaseUrl,
          maxP99Seconds: args.maxP99Seconds,
        },
      },
      objects,
    );

    // Dashboards and datasources for Grafana's sidecars, in Grafana's namespace (an existing Grafana's
    // with `install: false`); they need no CRD, only the namespace.
    grafanaContent(
      {
        namespace: this.install?.namespace ?? settings.namespace,
        appNamespace: args.namespaceName,
        activeColour: args.activeColour,
        warehouse: args.warehouse,
        labels,
      },
      { parent: this },
    );

    alertReceivers(
      {
        namespace: args.namespace,
        labels,
        webhookUrl: settings.alertWebhookUrl,
        email: settings.alertEmail,
        smtpPassword: settings.alertSmtpPassword,
      },
      objects,
    );
    this.registerOutputs({});
  }
}
