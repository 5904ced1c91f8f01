// Monitoring in the rendered program: the pinned stack where it is on, monitors for every Service of
// both colours, the scrapers let through the deny-by-default policies, and receivers from config.
import { beforeAll, describe, expect, it } from "vitest";
import { alertRuleGroups } from "./k8s/monitoring/rules.js";
import { type LabelSelector, named, ofKind, podTemplates, selects } from "./render/inspect.js";
import { holdsSecret, type KubeObject, kubeObjects, toYaml } from "./render/objects.js";
import { type Rendered, render } from "./render/render.js";

const chart = "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack";
const monitoringKinds = ["ServiceMonitor", "PodMonitor", "PrometheusRule", "AlertmanagerConfig"];

const releases = (r: Rendered) => r.resources.filter((x) => x.type === "kubernetes:helm.sh/v3:Release");
const monitoringRelease = (r: Rendered) => releases(r).find((x) => x.inputs.chart === chart);
const objectsOf = (r: Rendered) => kubeObjects(r.resources);
const monitoringObjects = (objects: KubeObject[]) => objects.filter((o) => monitoringKinds.includes(o.kind));

let eks: Rendered;
let doks: Rendered;
let local: Rendered;
beforeAll(async () => {
  eks = await render({ stack: "eks", set: { "images.green": "registry.example.com/moon-agent-tracker:2.0.0" } });
  doks = await render({ stack: "doks" });
  local = await render({ stack: "local" });
});

describe("the monitoring stack", () => {
  it.each(["eks", "doks"])(
    "is installed by default on %s: kube-prometheus-stack, pinned, in its own namespace",
    (stack) => {
      const rendered = stack === "eks" ? eks : doks;
      expect(monitoringRelease(rendered)?.inputs).toMatchObject({
        name: "kube-prometheus-stack",
        version: "88.5.3",
        namespace: "monitoring",
        skipCrds: false,
      });
      const namespace = named(objectsOf(rendered), "Namespace", "monitoring");
      // node-exporter shares the host's network and /proc: the app's restricted standard would refuse it.
      expect(namespace.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged" });
    },
  );

  it("tells the release analysis where its Prometheus answers, only where the program installs it", async () => {
    expect(eks.outputs.prometheus).toEqual({
      namespace: "monitoring",
      service: "kube-prometheus-stack-prometheus",
      port: 9090,
    });
    expect(local.outputs.prometheus).toBeUndefined();
    const existing = await render({ stack: "doks", set: { "monitoring.install": "false" } });
    expect(existing.outputs.prometheus).toBeUndefined();
  });

  it("is off by default on a local cluster, with nothing that would scrape or alert", () => {
    expect(monitoringRelease(local)).toBeUndefined();
    expect(monitoringObjects(objectsOf(local))).toEqual([]);
    expect(objectsOf(local).filter((o) => o.metadata.name.startsWith("allow-scrape-"))).toEqual([]);
  });

  it("is installed on a local cluster when asked, with the same monitors", async () => {
    const on = await render({ stack: "local", set: { "monitoring.enabled": "true" } });
    expect(monitoringRelease(on)).toBeDefined();
    expect(ofKind(objectsOf(on), "ServiceMonitor")).toHaveLength(3);
  });

  it("selects monitors and rules of every namespace, and sizes every component", () => {
    const values = monitoringRelease(eks)!.inputs.values as Record<string, any>;
    expect(values.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      // The slow burn-rate alert reads three days back.
      retention: "7d",
    });
    for (const component of [
      values.prometheus.prometheusSpec,
      values.alertmanager.alertmanagerSpec,
      values.grafana,
      values.prometheusOperator,
      values["kube-state-metrics"],
      values["prometheus-node-exporter"],
    ]) {
      expect(Object.keys(component.resources.requests).sort()).toEqual(["cpu", "memory"]);
      expect(component.resources.limits.memory).toMatch(/Mi$/);
    }
  });

  it("keeps Prometheus on a block-storage volume on doks and on a bounded emptyDir on eks", async () => {
    const spec = (r: Rendered) => (monitoringRelease(r)!.inputs.values as any).prometheus.prometheusSpec;
    expect(spec(doks).storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("10Gi");
    expect(spec(doks).retentionSize).toBe("8GB");
    expect(spec(eks).storageSpec).toEqual({ emptyDir: { sizeLimit: "8Gi" } });
    const sized = await render({
      stack: "eks",
      set: { "monitoring.storageSize": "50Gi", "monitoring.storageClass": "gp3" },
    });
    expect(spec(sized).storageSpec.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: "gp3",
      resources: { requests: { storage: "50Gi" } },
    });
    expect(spec(sized).retentionSize).toBe("40GB");
  });

  it("gives Grafana a generated admin password from a Secret, never the chart's default", () => {
    const values = monitoringRelease(eks)!.inputs.values as Record<string, any>;
    expect(values.grafana.adminPassword).toBeUndefined();
    const secret = named(objectsOf(eks), "Secret", values.grafana.admin.existingSecret);
    expect(secret.metadata.namespace).toBe("monitoring");
    const data = secret.stringData as Record<string, string>;
    expect(data[values.grafana.admin.passwordKey]).toBe("fake-password-monitoring-grafana-admin");
    const resource = eks.resources.find((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "grafana-admin")!;
    expect(holdsSecret(resource.inputs.stringData)).toBe(true);
    expect(toYaml(eks.resources)).not.toContain("fake-password-monitoring-grafana-admin");
  });

  it("installs nothing with monitoring.install=false, but still creates monitors and rules", async () => {
    const existing = await render({
      stack: "eks",
      set: { "monitoring.install": "false", "monitoring.objectLabels.release": "prometheus" },
    });
    expect(monitoringRelease(existing)).toBeUndefined();
    expect(ofKind(objectsOf(existing), "Namespace").map((n) => n.metadata.name)).not.toContain("monitoring");
    const objects = monitoringObjects(objectsOf(existing));
    expect(objects.map((o) => o.kind).sort()).toEqual([
      "PrometheusRule",
      "ServiceMonitor",
      "ServiceMonitor",
      "ServiceMonitor",
    ]);
    // An existing kube-prometheus-stack selects by its release label: every object carries the configured ones.
    for (const o of objects)
      expect(o.metadata.labels, `${o.kind} ${o.metadata.name}`).toMatchObject({ release: "prometheus" });
  });
});

describe("service monitors", () => {
  const services = (objects: KubeObject[]) =>
    ofKind(objects, "Service").filter((s) => s.metadata.labels?.["app.kubernetes.io/component"] === "service");

  it("cover every Service of both colours, exactly once, on its metrics port", () => {
    const objects = objectsOf(eks);
    expect(
      services(objects)
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(["agent", "notification", "sales"].flatMap((n) => [`${n}-blue`, `${n}-green`]));
    for (const service of services(objects)) {
      const monitors = ofKind(objects, "ServiceMonitor").filter(
        (m) =>
          m.metadata.namespace === service.metadata.namespace &&
          selects((m.spec as any).selector as LabelSelector, service.metadata.labels ?? {}),
      );
      expect(monitors, service.metadata.name).toHaveLength(1);
      const [endpoint] = (monitors[0]!.spec as any).endpoints;
      expect((service.spec as any).ports.map((p: any) => p.name)).toContain(endpoint.port);
      expect(endpoint.path).toBe("/metrics");
    }
  });

  it("label every target with the service, colour and version its pods report", () => {
    const objects = objectsOf(eks);
    for (const monitor of ofKind(objects, "ServiceMonitor")) {
      const [endpoint] = (monitor.spec as any).endpoints;
      // The services' own labels win over Prometheus's target labels (whose `service` is the Service name).
      expect(endpoint.honorLabels).toBe(true);
      const source = Object.fromEntries(
        endpoint.relabelings.map((r: any) => [r.targetLabel, r.sourceLabels[0] as string]),
      );
      for (const service of services(objects).filter((s) => s.metadata.name.startsWith(`${monitor.metadata.name}-`))) {
        const [pod] = podTemplates(objects).filter(
          (p) => p.owner.kind === "Deployment" && p.owner.metadata.name === service.metadata.name,
        );
        const env = Object.fromEntries(
          pod!.spec.containers[0].env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]),
        );
        // What Prometheus's Kubernetes discovery would put in each source label for this target.
        const discovered: Record<string, string> = {};
        for (const [k, v] of Object.entries(service.metadata.labels ?? {}))
          discovered[`__meta_kubernetes_service_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
        for (const [k, v] of Object.entries(pod!.labels))
          discovered[`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`] = v;
        expect(
          {
            service: discovered[source.service],
            colour: discovered[source.colour],
            version: discovered[source.version],
          },
          service.metadata.name,
        ).toEqual({ service: monitor.metadata.name, colour: env.COLOUR, version: env.VERSION });
      }
    }
    expect(named(objects, "Deployment", "sales-green").spec).toMatchObject({
      template: { metadata: { labels: { "app.kubernetes.io/version": "2.0.0" } } },
    });
  });
});

describe("alert rules", () => {
  const ruleOf = (r: Rendered) => named(objectsOf(r), "PrometheusRule", "moon-alerts");

  it("are one PrometheusRule in the app's namespace, from the program's settings", async () => {
    const rule = ruleOf(eks);
    expect(rule.metadata.namespace).toBe("moon");
    expect(rule.metadata.labels).toMatchObject({ "app.kubernetes.io/part-of": "moon-agent-tracker" });
    expect((rule.spec as any).groups).toEqual(
      alertRuleGroups({
        namespace: "moon",
        aggregatorSchedule: "*/5 * * * *",
        runbookBaseUrl: "README.md",
        maxP99Seconds: 1,
      }),
    );
    const custom = await render({
      stack: "doks",
      set: {
        namespace: "moon-prod",
        "aggregator.schedule": "@hourly",
        "release.analysis.maxP99Seconds": "0.5",
        "monitoring.runbookBaseUrl": "https://git.example.com/moon/blob/main/README.md",
        "monitoring.objectLabels.release": "prometheus",
      },
    });
    const customRule = ruleOf(custom);
    expect(customRule.metadata).toMatchObject({ namespace: "moon-prod", labels: { release: "prometheus" } });
    expect((customRule.spec as any).groups).toEqual(
      alertRuleGroups({
        namespace: "moon-prod",
        aggregatorSchedule: "@hourly",
        runbookBaseUrl: "https://git.example.com/moon/blob/main/README.md",
        maxP99Seconds: 0.5,
      }),
    );
  });

  it("are rendered on every stack where monitoring is on", async () => {
    const on = await render({ stack: "local", set: { "monitoring.enabled": "true" } });
    for (const r of [eks, doks, on]) expect(ofKind(objectsOf(r), "PrometheusRule")).toHaveLength(1);
    expect(ofKind(objectsOf(local), "PrometheusRule")).toEqual([]);
  });
});

describe("network policies with monitoring", () => {
  it("let Prometheus, and only it, scrape each service on its port", () => {
    const objects = objectsOf(eks);
    const prometheusPod = {
      "app.kubernetes.io/name": "prometheus",
      "app.kubernetes.io/managed-by": "prometheus-operator",
    };
    const policies = ofKind(objects, "NetworkPolicy").filter((p) => p.metadata.namespace === "moon");
    for (const pod of podTemplates(objects).filter(
      (p) => p.owner.kind === "Deployment" && p.owner.metadata.namespace === "moon",
    )) {
      const port = pod.spec.containers[0].ports[0].containerPort;
      const fromMonitoring = policies
        .filter(
          (p) => (p.spec as any).policyTypes.includes("Ingress") && selects((p.spec as any).podSelector, pod.labels),
        )
        .flatMap((p) => (p.spec as any).ingress ?? [])
        .filter((rule: any) =>
          rule.from.some(
            (f: any) => f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring",
          ),
        );
      expect(fromMonitoring, pod.owner.metadata.name).toHaveLength(1);
      expect(fromMonitoring[0].ports).toEqual([{ protocol: "TCP", port }]);
      const [peer] = fromMonitoring[0].from;
      expect(selects(peer.podSelector, prometheusPod)).toBe(true);
      expect(selects(peer.podSelector, { "app.kubernetes.io/name": "grafana" })).toBe(false);
    }
  });
});

describe("alert receivers", () => {
  const webhook = "https://hooks.example.com/services/T000/B000/receiver-secret-token";
  const password = "smtp-receiver-secret-password";

  it("are absent without a receiver: alerts then show only in Alertmanager", () => {
    expect(ofKind(objectsOf(eks), "AlertmanagerConfig")).toEqual([]);
  });

  it("send to the webhook and the mailbox from config, their credentials only in a Secret", async () => {
    const rendered = await render({
      stack: "eks",
      set: {
        alertWebhookUrl: webhook,
        alertSmtpPassword: password,
        "monitoring.alertEmail.to": "oncall@example.com",
        "monitoring.alertEmail.from": "alerts@example.com",
        "monitoring.alertEmail.smarthost": "smtp.example.com:587",
        "monitoring.alertEmail.username": "alerts@example.com",
      },
    });
    const objects = objectsOf(rendered);
    const config = named(objects, "AlertmanagerConfig", "moon");
    expect(config.metadata.namespace).toBe("moon");
    const spec = config.spec as any;
    expect(spec.route.receiver).toBe(spec.receivers[0].name);
    const [receiver] = spec.receivers;
    const secret = named(objects, "Secret", receiver.webhookConfigs[0].urlSecret.name);
    expect(secret.metadata.namespace).toBe("moon");
    const data = secret.stringData as Record<string, string>;
    expect(data[receiver.webhookConfigs[0].urlSecret.key]).toBe(webhook);
    expect(receiver.emailConfigs[0]).toMatchObject({
      to: "oncall@example.com",
      from: "alerts@example.com",
      smarthost: "smtp.example.com:587",
      authUsername: "alerts@example.com",
      requireTLS: true,
    });
    expect(receiver.emailConfigs[0].authPassword.name).toBe(secret.metadata.name);
    expect(data[receiver.emailConfigs[0].authPassword.key]).toBe(password);

    const resource = rendered.resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === secret.metadata.name,
    )!;
    expect(holdsSecret(resource.inputs.stringData)).toBe(true);
    for (const o of objects.filter((o) => o.kind !== "Secret")) {
      expect(JSON.stringify(o), `${o.kind} ${o.metadata.name}`).not.toContain("receiver-secret");
    }
    expect(toYaml(rendered.resources)).not.toContain("receiver-secret");
  });
});
