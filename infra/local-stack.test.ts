// The local stack, rendered under Pulumi mocks: what it creates and whether every object is sound.
import { beforeAll, describe, expect, it } from "vitest";
import { type LabelSelector, named, ofKind, type PodTemplate, podTemplates, selects } from "./render/inspect.js";
import { holdsSecret, type KubeObject, kubeObjects, toResourceList, toYaml } from "./render/objects.js";
import { type Rendered, render } from "./render/render.js";

const apiKeys = "admin:local-test-admin-key-0001,viewer:local-test-viewer-key-0002";
// Values the mocks give the generated MySQL passwords (infra/render/fakes.ts).
const secrets = [apiKeys, "local-test-admin-key-0001", "fake-password-mysql-app", "fake-password-mysql-root"];

let rendered: Rendered;
let objects: KubeObject[];
const app = () => objects.filter((o) => o.metadata.namespace === "moon");
const appPods = () => podTemplates(app());

beforeAll(async () => {
  rendered = await render({ stack: "local", set: { apiKeys } });
  objects = kubeObjects(rendered.resources);
});

/** The peer a NetworkPolicy names for the gateway's Envoy proxies. */
const gatewayProxies = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
  podSelector: {
    matchLabels: {
      "gateway.envoyproxy.io/owning-gateway-name": "public",
      "gateway.envoyproxy.io/owning-gateway-namespace": "moon",
    },
  },
};
describe("inventory", () => {
  it("creates exactly the expected Kubernetes objects", () => {
    const ids = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? "-"}/${o.metadata.name}`).sort();
    const perService = (svc: string) =>
      ["blue", "green"].flatMap((c) =>
        ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"].map((k) => `${k} moon/${svc}-${c}`),
      );
    const migrations = ofKind(objects, "Job").map((j) => `Job moon/${j.metadata.name}`);
    expect(ids).toEqual(
      [
        "Namespace -/moon",
        "Namespace -/moon-data",
        "ConfigMap moon/settings",
        "Secret moon/credentials",
        "Secret moon-data/mysql",
        "ConfigMap moon-data/mysql-init",
        "Service moon-data/mysql",
        "StatefulSet moon-data/mysql",
        "NetworkPolicy moon-data/mysql",
        "EnvoyProxy envoy-gateway-system/public",
        "GatewayClass -/moon-envoy",
        "Gateway moon/public",
        "HTTPRoute moon/agent",
        "HTTPRoute moon/sales",
        "HTTPRoute moon/notification",
        "CronJob moon/aggregator",
        ...migrations,
        ...["agent", "sales", "notification"].flatMap(perService),
        ...[
          "default-deny",
          "allow-dns",
          "allow-database",
          "allow-warehouse",
          "allow-gateway-to-agent",
          "allow-gateway-to-sales",
          "allow-gateway-to-notification",
          "allow-sales-to-notification",
          "allow-notification-from-sales",
        ].map((n) => `NetworkPolicy moon/${n}`),
      ].sort(),
    );
    expect(migrations.map((m) => m.replace(/-[0-9a-f]{8}$/, ""))).toEqual([
      "Job moon/migrate-blue",
      "Job moon/migrate-green",
    ]);
  });

  it("installs the CRDs as their own resources, then the controller without them, at one pinned version", () => {
    const crds = rendered.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart");
    expect(crds.map((c) => c.inputs)).toEqual([
      expect.objectContaining({
        chart: "oci://docker.io/envoyproxy/gateway-crds-helm",
        version: "v1.9.0",
        values: {
          crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } },
        },
      }),
    ]);
    const controller = rendered.resources.find((r) => r.name === "envoy-gateway")!;
    expect(controller.type).toBe("kubernetes:helm.sh/v3:Release");
    // Helm would install its CRD copy once and never upgrade it; the chart above owns them.
    expect(controller.inputs).toMatchObject({
      chart: "oci://docker.io/envoyproxy/gateway-helm",
      version: "v1.9.0",
      namespace: "envoy-gateway-system",
      skipCrds: true,
      values: { crds: { enabled: false } },
    });
  });

  it("deploys only to the configured kubeconfig context, which also identifies the cluster", async () => {
    const providers = rendered.resources.filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers.map((p) => p.inputs)).toEqual([
      expect.objectContaining({ context: "kind-moon", clusterIdentifier: "kind-moon" }),
    ]);
  });

  it("installs a pinned metrics-server for the HPAs, unless switched off (minikube's add-on)", async () => {
    const metrics = rendered.resources.find((r) => r.name === "metrics-server")!;
    expect(metrics.inputs).toMatchObject({
      chart: "metrics-server",
      version: "3.13.1",
      repositoryOpts: { repo: "https://kubernetes-sigs.github.io/metrics-server/" },
      namespace: "kube-system",
      values: { args: ["--kubelet-insecure-tls"] },
    });
    const without = await render({ stack: "local", set: { apiKeys, "local.metricsServer": "false" } });
    expect(without.resources.some((r) => r.name === "metrics-server")).toBe(false);
  });

  it("runs two proxies spread over nodes and zones, with a disruption budget of one", () => {
    const proxy = named(objects, "EnvoyProxy", "public").spec as any;
    const kubernetes = proxy.provider.kubernetes;
    expect(kubernetes.envoyPDB).toEqual({ maxUnavailable: 1 });
    expect(kubernetes.envoyDeployment.replicas).toBe(2);
    const spread = kubernetes.envoyDeployment.pod.topologySpreadConstraints as any[];
    expect(spread.map((c) => c.topologyKey)).toEqual(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
    for (const c of spread) {
      expect(c.labelSelector.matchLabels).toEqual({
        "gateway.envoyproxy.io/owning-gateway-name": "public",
        "gateway.envoyproxy.io/owning-gateway-namespace": "moon",
      });
    }
  });

  it("wires the Gateway to Envoy Gateway and the routes to the Gateway", () => {
    const gatewayClass = named(objects, "GatewayClass", "moon-envoy");
    expect(gatewayClass.spec).toMatchObject({
      controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
      parametersRef: { kind: "EnvoyProxy", name: "public", namespace: "envoy-gateway-system" },
    });
    const gateway = named(objects, "Gateway", "public");
    expect(gateway.spec).toMatchObject({
      gatewayClassName: "moon-envoy",
      listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
    });
    for (const route of ofKind(objects, "HTTPRoute")) {
      expect((route.spec as any).parentRefs).toEqual([{ name: "public", sectionName: "http" }]);
    }
  });

  it("exports the outputs the release tooling reads", () => {
    expect(rendered.outputs).toMatchObject({
      activeColor: "blue",
      idleColor: "green",
      url: "http://localhost:8080",
      images: { blue: "moon-agent-tracker:dev", green: "moon-agent-tracker:dev" },
      namespace: "moon",
    });
  });

  it("serves HTTPS with a redirect when a domain is set", async () => {
    const withDomain = kubeObjects(
      (await render({ stack: "local", set: { apiKeys, domain: "moon.example.com", certIssuer: "letsencrypt" } }))
        .resources,
    );
    const gateway = named(withDomain, "Gateway", "public");
    expect(gateway.metadata.annotations).toMatchObject({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    expect((gateway.spec as any).listeners).toContainEqual(
      expect.objectContaining({
        name: "https",
        port: 443,
        hostname: "moon.example.com",
        tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "moon-tls" }] },
      }),
    );
    expect(named(withDomain, "HTTPRoute", "agent").spec as any).toMatchObject({
      parentRefs: [{ sectionName: "https" }],
      hostnames: ["moon.example.com"],
    });
    expect((named(withDomain, "HTTPRoute", "https-redirect").spec as any).rules[0].filters[0]).toMatchObject({
      type: "RequestRedirect",
      requestRedirect: { scheme: "https" },
    });
  });
});

describe("workload hygiene", () => {
  it("runs every pod of the stack hardened for the restricted Pod Security Standard", () => {
    const pods = podTemplates(objects);
    expect(pods.map((p) => p.owner.kind).sort()).toEqual([
      "CronJob",
      ...Array(6).fill("Deployment"),
      "Job",
      "Job",
      "StatefulSet",
    ]);
    for (const { owner, spec } of pods) {
      const where = `${owner.kind} ${owner.metadata.name}`;
      expect(spec.automountServiceAccountToken, where).toBe(false);
      expect(spec.securityContext, where).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(spec.securityContext.runAsUser, where).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(c.securityContext, where).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
        expect(Object.keys(c.resources.requests).sort(), where).toEqual(["cpu", "memory"]);
        expect(Object.keys(c.resources.limits).sort(), where).toEqual(["cpu", "memory"]);
        expect(c.image, where).toMatch(/:[\w.-]+$/);
      }
    }
  });

  it("runs the app image as uid 10001 with a writable /tmp and its own program", () => {
    for (const { owner, spec } of appPods()) {
      expect(spec.securityContext, owner.metadata.name).toMatchObject({
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
      });
      expect(spec.volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: "64Mi" } });
      const [container] = spec.containers;
      expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
      expect(container.command).toEqual(["node", "/app/dist/apps/main.js"]);
      const program =
        owner.kind === "Deployment"
          ? owner.metadata.name.replace(/-(blue|green)$/, "")
          : owner.kind === "Job"
            ? "migrate"
            : "aggregator";
      expect(container.args).toEqual([program]);
    }
  });

  it("gives every service pod a pre-stop pause (the sleep action: no shell) inside its grace period", () => {
    for (const d of ofKind(app(), "Deployment")) {
      const spec = (d.spec as any).template.spec;
      const [c] = spec.containers;
      const pause = c.lifecycle.preStop.sleep.seconds;
      expect(c.lifecycle.preStop, d.metadata.name).toEqual({ sleep: { seconds: expect.any(Number) } });
      expect(pause).toBeGreaterThanOrEqual(3);
      // The pause and the service's 25 s drain (SHUTDOWN_TIMEOUT_SECONDS) both fit before SIGKILL.
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + 25);
    }
  });

  it("gives every service pod three distinct probes on its own port", () => {
    for (const d of ofKind(app(), "Deployment")) {
      const [c] = (d.spec as any).template.spec.containers;
      expect(c.ports).toEqual([{ name: "http", containerPort: expect.any(Number), protocol: "TCP" }]);
      expect(c.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
      expect(c.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
      expect(c.startupProbe.httpGet.port).toBe("http");
      // A startup probe that gives up before the liveness probe would start is no startup probe.
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBeGreaterThanOrEqual(30);
      const env = Object.fromEntries(c.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
      expect(env.PORT).toBe(String(c.ports[0].containerPort));
      expect(env.COLOUR).toBe(d.metadata.name.split("-").pop());
      expect(env.VERSION).toBe("dev");
    }
  });

  it("pairs every Deployment with a consistent Service, HPA and PDB", () => {
    const ports = { agent: 8000, sales: 8001, notification: 8002 } as Record<string, number>;
    for (const d of ofKind(app(), "Deployment")) {
      const name = d.metadata.name;
      const template = (d.spec as any).template;
      expect(selects((d.spec as any).selector, template.metadata.labels), name).toBe(true);

      const service = named(objects, "Service", name);
      const matching = ofKind(app(), "Deployment").filter((o) =>
        selects({ matchLabels: (service.spec as any).selector }, (o.spec as any).template.metadata.labels),
      );
      expect(
        matching.map((o) => o.metadata.name),
        name,
      ).toEqual([name]);
      expect((service.spec as any).ports).toEqual([
        { name: "http", port: ports[name.split("-")[0]!], targetPort: "http", protocol: "TCP" },
      ]);
      expect(template.spec.containers[0].ports[0].containerPort).toBe(ports[name.split("-")[0]!]);

      const hpa = named(objects, "HorizontalPodAutoscaler", name).spec as any;
      expect(hpa.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name });
      expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.maxReplicas).toBeGreaterThanOrEqual(hpa.minReplicas);
      expect((d.spec as any).replicas).toBe(hpa.minReplicas);

      const pdb = named(objects, "PodDisruptionBudget", name).spec as any;
      expect(selects(pdb.selector, template.metadata.labels), name).toBe(true);
      // The budget must leave at least one pod up and still allow a drain to evict one.
      expect(pdb.maxUnavailable).toBeGreaterThanOrEqual(1);
      expect(pdb.maxUnavailable).toBeLessThan(hpa.minReplicas);
    }
  });

  it("has green sales call green notification, and blue call blue", () => {
    for (const colour of ["blue", "green"]) {
      const [c] = (named(objects, "Deployment", `sales-${colour}`).spec as any).template.spec.containers;
      expect(c.env).toContainEqual({ name: "NOTIFICATION_URL", value: `http://notification-${colour}:8002` });
      // The key sales presents to notification comes from the Secret, never in clear.
      expect(c.env).toContainEqual({
        name: "NOTIFICATION_API_KEY",
        valueFrom: { secretKeyRef: { name: "credentials", key: "NOTIFICATION_API_KEY" } },
      });
    }
  });

  it("hands sales the first integration key, else an admin key, and refuses apiKeys with neither", async () => {
    const { notificationKeyOf } = await import("./config.js");
    expect(notificationKeyOf("viewer:v-0123456789abcdef,admin:a-0123456789abcdef,integration:i-0123456789abcdef")).toBe(
      "i-0123456789abcdef",
    );
    expect(notificationKeyOf("viewer:v-0123456789abcdef,admin:a-0123456789abcdef")).toBe("a-0123456789abcdef");
    await expect(render({ stack: "local", set: { apiKeys: "viewer:v-0123456789abcdef" } })).rejects.toThrow(
      /apiKeys: must hold an integration or admin key/,
    );
  });

  it("gates each colour's services on its own migration Job", () => {
    for (const colour of ["blue", "green"]) {
      const job = ofKind(app(), "Job").find((j) => j.metadata.name.startsWith(`migrate-${colour}-`))!;
      expect(job.spec as any).toMatchObject({ backoffLimit: expect.any(Number) });
      // Kept until the next release of the colour: a refresh must find it, or a flip would re-run it.
      expect((job.spec as any).ttlSecondsAfterFinished).toBeUndefined();
      expect((job.spec as any).template.spec.restartPolicy).toBe("Never");
    }
    const cron = named(objects, "CronJob", "aggregator").spec as any;
    expect(cron).toMatchObject({
      schedule: "*/5 * * * *",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: expect.any(Number),
      successfulJobsHistoryLimit: expect.any(Number),
      failedJobsHistoryLimit: expect.any(Number),
      jobTemplate: { spec: { backoffLimit: expect.any(Number) } },
    });
    // The image caps the heap for the services; the batch job gets 3/4 of its own 512Mi limit instead.
    expect(cron.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({
      name: "NODE_OPTIONS",
      value: "--max-old-space-size=384",
    });
  });
});

describe("network policies", () => {
  const policies = () => ofKind(app(), "NetworkPolicy").map((p) => p.spec as any);
  const selecting = (pod: PodTemplate, type: "Ingress" | "Egress") =>
    policies().filter((p) => p.policyTypes.includes(type) && selects(p.podSelector as LabelSelector, pod.labels));
  const egressPorts = (pod: PodTemplate) =>
    selecting(pod, "Egress").flatMap((p) => (p.egress ?? []).flatMap((r: any) => r.ports.map((x: any) => x.port)));
  const envNames = (pod: PodTemplate) => pod.spec.containers.flatMap((c: any) => c.env.map((e: any) => e.name));

  it("denies all traffic to and from every app pod by default", () => {
    expect(appPods()).toHaveLength(9);
    const deny = policies().find((p) => !p.ingress && !p.egress)!;
    expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("lets every pod resolve names and reach exactly the data stores it is configured for", () => {
    for (const pod of appPods()) {
      const where = pod.owner.metadata.name;
      const ports = egressPorts(pod);
      expect(ports, where).toContain(53);
      expect(ports.includes(3306), where).toBe(
        envNames(pod).includes("DATABASE_URL") || envNames(pod).includes("WAREHOUSE_URL"),
      );
      const toData = selecting(pod, "Egress")
        .flatMap((p) => p.egress ?? [])
        .filter((r: any) => r.ports.some((x: any) => x.port === 3306));
      for (const rule of toData) {
        expect(rule.to, where).toEqual([
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "moon-data" } },
            podSelector: {
              matchLabels: { "app.kubernetes.io/name": "mysql", "app.kubernetes.io/part-of": "moon-agent-tracker" },
            },
          },
        ]);
      }
    }
  });

  it("admits the gateway's proxies to each service on its port, and nothing else from outside", () => {
    for (const pod of appPods()) {
      const ingress = selecting(pod, "Ingress").flatMap((p) => p.ingress ?? []);
      if (pod.owner.kind !== "Deployment") {
        expect(ingress, pod.owner.metadata.name).toEqual([]);
        continue;
      }
      const port = pod.spec.containers[0].ports[0].containerPort;
      const fromGateway = ingress.filter((r: any) => r.from.some((f: any) => f.namespaceSelector));
      expect(fromGateway, pod.owner.metadata.name).toEqual([
        {
          from: [gatewayProxies],
          ports: [{ protocol: "TCP", port }],
        },
      ]);
    }
  });

  it("admits the gateway to cert-manager's HTTP-01 solver on 8089 only when it issues the certificate", async () => {
    // The pod cert-manager starts in the Challenge's namespace for each HTTP-01 challenge.
    const solver = { "acme.cert-manager.io/http01-solver": "true", "acme.cert-manager.io/http-domain": "1" };
    const admitted = async (set: Record<string, string>) =>
      ofKind(kubeObjects((await render({ stack: "local", set: { apiKeys, ...set } })).resources), "NetworkPolicy")
        .filter((p) => p.metadata.namespace === "moon")
        .map((p) => p.spec as any)
        .filter((p) => p.policyTypes.includes("Ingress") && selects(p.podSelector, solver))
        .flatMap((p) => p.ingress ?? []);
    expect(await admitted({ domain: "moon.example.com" })).toEqual([]);
    expect(await admitted({ domain: "moon.example.com", certIssuer: "letsencrypt" })).toEqual([
      {
        from: [gatewayProxies],
        ports: [{ protocol: "TCP", port: 8089 }],
      },
    ]);
  });

  it("lets sales, and only sales, call notification", () => {
    const [salesPod] = appPods().filter((p) => p.labels["app.kubernetes.io/name"] === "sales");
    const [notificationPod] = appPods().filter((p) => p.labels["app.kubernetes.io/name"] === "notification");
    expect(egressPorts(salesPod!)).toContain(8002);
    const inbound = selecting(notificationPod!, "Ingress")
      .flatMap((p) => p.ingress ?? [])
      .filter((r: any) => !r.from.some((f: any) => f.namespaceSelector));
    expect(inbound).toHaveLength(1);
    expect(
      appPods()
        .filter((p) => inbound[0].from.some((f: any) => selects(f.podSelector, p.labels)))
        .map((p) => p.labels["app.kubernetes.io/name"]),
    ).toEqual(["sales", "sales"]);
    for (const pod of appPods().filter((p) => p.labels["app.kubernetes.io/name"] !== "sales")) {
      expect(egressPorts(pod), pod.owner.metadata.name).not.toContain(8002);
    }
  });

  it("opens notification to the internet only when it delivers outside", async () => {
    expect(policies().some((p) => p.egress?.some((r: any) => r.to?.some((t: any) => t.ipBlock)))).toBe(false);
    const delivering = kubeObjects(
      (await render({ stack: "local", set: { apiKeys, notifyWebhookUrl: "https://hooks.example.com/moon" } }))
        .resources,
    );
    const policy = named(delivering, "NetworkPolicy", "allow-notification-delivery").spec as any;
    expect(policy.podSelector).toEqual({
      matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["notification"] }],
    });
    expect(policy.egress[0].to[0].ipBlock.except).toContain("169.254.0.0/16");
  });
});

describe("secrets", () => {
  const appearsIn = (text: string) => secrets.filter((s) => text.includes(s));

  it("keeps credentials out of every object but Secrets", () => {
    for (const o of objects.filter((o) => o.kind !== "Secret")) {
      expect(appearsIn(JSON.stringify(o)), `${o.kind} ${o.metadata.name}`).toEqual([]);
    }
    // The test would be empty if the Secrets did not hold them.
    expect(appearsIn(JSON.stringify(ofKind(objects, "Secret"))).sort()).toEqual([...secrets].sort());
  });

  it("takes every credential from the Secret, never a literal env value", () => {
    for (const pod of podTemplates(objects)) {
      for (const c of pod.spec.containers) {
        for (const e of c.env ?? []) {
          if (/API_KEYS|_URL$|PASSWORD/.test(e.name) && !["NOTIFICATION_URL"].includes(e.name)) {
            expect(e.valueFrom?.secretKeyRef, `${pod.owner.metadata.name} ${e.name}`).toBeDefined();
          }
        }
      }
    }
    for (const cm of ofKind(objects, "ConfigMap")) expect(appearsIn(JSON.stringify(cm))).toEqual([]);
  });

  it("marks Secret payloads secret so Pulumi encrypts them in state", () => {
    const secretResources = rendered.resources.filter((r) => r.type === "kubernetes:core/v1:Secret");
    expect(secretResources).toHaveLength(2);
    for (const r of secretResources) expect(holdsSecret(r.inputs.stringData), r.name).toBe(true);
    const credentials = named(objects, "Secret", "credentials");
    expect(Object.keys(credentials.stringData as object).sort()).toEqual([
      "API_KEYS",
      "DATABASE_URL",
      "NOTIFICATION_API_KEY",
      "WAREHOUSE_URL",
    ]);
    expect((credentials.stringData as any).DATABASE_URL).toBe(
      "mysql://moon:fake-password-mysql-app@mysql.moon-data.svc.cluster.local:3306/moon",
    );
  });

  it("prints no credential in the rendered YAML, the resource list or the outputs", () => {
    expect(appearsIn(toYaml(rendered.resources))).toEqual([]);
    expect(appearsIn(JSON.stringify(toResourceList(rendered.resources)))).toEqual([]);
    expect(appearsIn(JSON.stringify(rendered.outputs))).toEqual([]);
    expect(toYaml(rendered.resources)).toContain('API_KEYS: "[secret]"');
  });
});
