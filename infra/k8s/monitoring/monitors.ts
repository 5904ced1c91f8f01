import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { type AppService, colourLabel, partOf, versionLabel } from "../apps.js";

/** `moon-agent-tracker/colour` as Prometheus's service discovery spells a label (non-alphanumerics become `_`). */
const discovered = (kind: "service" | "pod", label: string) =>
  `__meta_kubernetes_${kind}_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;

/**
 * One ServiceMonitor per service, selecting its Services of both colours. The services label every
 * series with `service`, `colour` and `version` themselves (honoured over the target's labels, whose
 * `service` would be the Kubernetes Service name); the relabelings give Prometheus's own series about
 * the target (`up`, `scrape_*`) the same three.
 */
function serviceMonitorSpec(service: AppService): Record<string, unknown> {
  return {
    selector: {
      matchLabels: {
        "app.kubernetes.io/name": service.name,
        "app.kubernetes.io/component": "service",
        "app.kubernetes.io/part-of": partOf,
      },
    },
    endpoints: [
      {
        port: "http",
        path: "/metrics",
        interval: "30s",
        honorLabels: true,
        relabelings: [
          { sourceLabels: [discovered("service", "app.kubernetes.io/name")], targetLabel: "service" },
          { sourceLabels: [discovered("service", colourLabel)], targetLabel: "colour" },
          { sourceLabels: [discovered("pod", versionLabel)], targetLabel: "version" },
        ],
      },
    ],
  };
}

export interface ServiceMonitorsArgs {
  namespace: pulumi.Input<string>;
  services: readonly AppService[];
  /** Labels of each monitor: the part-of label and what an existing Prometheus selects monitors by. */
  labels: Record<string, string>;
}

export function serviceMonitors(args: ServiceMonitorsArgs, opts: pulumi.CustomResourceOptions) {
  return args.services.map(
    (service) =>
      new k8s.apiextensions.CustomResource(
        `${service.name}-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "ServiceMonitor",
          metadata: {
            name: service.name,
            namespace: args.namespace,
            labels: args.labels,
          },
          spec: serviceMonitorSpec(service),
        },
        opts,
      ),
  );
}
