// The doks stack under Pulumi mocks: what it asks DigitalOcean for, and the security properties of those asks.
import { beforeAll, describe, expect, it } from "vitest";
import { describeKubeObjects, inputsOf, onlyOne } from "../../test/infra/platform-checks.js";
import { named, podTemplates } from "../render/inspect.js";
import { holdsSecret, kubeObjects, reveal, toResourceList, toYaml } from "../render/objects.js";
import { type Rendered, render } from "../render/render.js";

let doks: Rendered;
beforeAll(async () => {
  doks = await render({ stack: "doks" });
});

const credentials = (rendered: Rendered) =>
  named(kubeObjects(rendered.resources), "Secret", "credentials").stringData as Record<string, string>;

describe("doks inventory", () => {
  it("creates exactly the DigitalOcean resources the platform needs", () => {
    const counts: Record<string, number> = {};
    for (const r of doks.resources.filter((r) => /^(digitalocean|random):/.test(r.type)))
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "digitalocean:index/vpc:Vpc": 1,
      "digitalocean:index/kubernetesCluster:KubernetesCluster": 1,
      "digitalocean:index/containerRegistry:ContainerRegistry": 1,
      "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials": 1,
      "digitalocean:index/databaseCluster:DatabaseCluster": 1,
      "digitalocean:index/databaseDb:DatabaseDb": 2,
      // The app's user, and Grafana's read-only one (monitoring is on by default).
      "digitalocean:index/databaseUser:DatabaseUser": 2,
      "digitalocean:index/databaseFirewall:DatabaseFirewall": 1,
      "random:index/randomString:RandomString": 1,
      // Grafana's admin (monitoring is on by default).
      "random:index/randomPassword:RandomPassword": 1,
    });
  });
});

describe("doks cluster", () => {
  it("runs the newest release of the configured minor in the VPC, autoscaling, with surge upgrades in a window", () => {
    const cluster = onlyOne(doks, "digitalocean:index/kubernetesCluster:KubernetesCluster");
    expect(cluster).toMatchObject({
      region: "sgp1",
      vpcUuid: "moon-doks-id",
      version: "1.35.4-do.0",
      autoUpgrade: true,
      surgeUpgrade: true,
      ha: false,
      maintenancePolicy: { day: "sunday", startTime: "18:00" },
      nodePool: { size: "s-2vcpu-4gb", autoScale: true, minNodes: 2, maxNodes: 4 },
    });
    expect(onlyOne(doks, "digitalocean:index/vpc:Vpc")).toEqual({ region: "sgp1", ipRange: "10.120.0.0/20" });
  });

  it("follows the version prefix and node bounds from config", async () => {
    const changed = await render({
      stack: "doks",
      set: { "doks.kubernetesVersionPrefix": "1.34.", "doks.nodes.minNodes": "3", "doks.nodes.maxNodes": "6" },
    });
    const cluster = onlyOne(changed, "digitalocean:index/kubernetesCluster:KubernetesCluster");
    expect(cluster.version).toBe("1.34.4-do.0");
    expect(cluster.nodePool).toMatchObject({ minNodes: 3, maxNodes: 6 });
  });

  it("builds the provider from a kubeconfig that authenticates through doctl, so no stored token lapses", () => {
    const provider = onlyOne(doks, "pulumi:providers:kubernetes");
    expect(holdsSecret(provider.kubeconfig)).toBe(true);
    expect(holdsSecret(doks.outputs.kubeconfig)).toBe(true);
    const kubeconfig = JSON.parse(String(reveal(provider.kubeconfig)));
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: "https://moon-doks.k8s.ondigitalocean.fake",
      "certificate-authority-data": "ZmFrZS1jYQ==",
    });
    expect(kubeconfig.users[0].user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "doctl",
        args: ["kubernetes", "cluster", "kubeconfig", "exec-credential", "--version=v1beta1", "moon-doks-id"],
        interactiveMode: "Never",
      },
    });
    expect(JSON.stringify(kubeconfig)).not.toContain("fake-token");
    expect(provider.clusterIdentifier).toBe("moon-doks-id");
    // The credentials DigitalOcean mints for the resource itself are short-lived.
    expect(onlyOne(doks, "digitalocean:index/kubernetesCluster:KubernetesCluster").kubeconfigExpireSeconds).toBe(3600);
  });

  it("installs only Envoy Gateway's CRDs where the cluster provides the Gateway API ones, all of them when told", async () => {
    const crdValues = (rendered: Rendered) =>
      (onlyOne(rendered, "kubernetes:helm.sh/v4:Chart").values as { crds: Record<string, { enabled: boolean }> }).crds;
    expect(crdValues(doks)).toMatchObject({ gatewayAPI: { enabled: false }, envoyGateway: { enabled: true } });
    const installing = await render({ stack: "doks", set: { "doks.gatewayApiCrds": "install" } });
    expect(crdValues(installing)).toMatchObject({ gatewayAPI: { enabled: true }, envoyGateway: { enabled: true } });
  });
});

describe("doks metrics-server", () => {
  it("installs metrics-server (DOKS offers it only as a Marketplace app), unless switched off", async () => {
    const release = doks.resources.find((r) => r.name === "metrics-server")!;
    expect(release.inputs).toMatchObject({ chart: "metrics-server", version: "3.13.1", namespace: "kube-system" });
    // DOKS kubelets' certificates verify: no --kubelet-insecure-tls here.
    expect(release.inputs.values).toEqual({});
    const without = await render({ stack: "doks", set: { "doks.metricsServer": "false" } });
    expect(without.resources.some((r) => r.name === "metrics-server")).toBe(false);
  });
});

describe("doks registry", () => {
  it("creates a registry and read-only credentials that every pod pulls with", () => {
    expect(onlyOne(doks, "digitalocean:index/containerRegistry:ContainerRegistry")).toEqual({
      name: "moon-doks-xxxxxx",
      region: "sgp1",
      subscriptionTierSlug: "basic",
    });
    expect(
      onlyOne(doks, "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials"),
    ).toEqual({
      registryName: "moon-doks-xxxxxx",
      write: false,
    });
    const objects = kubeObjects(doks.resources);
    const pull = named(objects, "Secret", "registry-pull");
    expect(pull.type).toBe("kubernetes.io/dockerconfigjson");
    expect(JSON.parse((pull.stringData as Record<string, string>)[".dockerconfigjson"]!)).toEqual({
      auths: { "registry.digitalocean.com": { auth: "fake-moon-doks-xxxxxx" } },
    });
    // The app's pods; set-up Jobs run public database client images.
    const pods = podTemplates(objects).filter((p) => p.owner.metadata.namespace === "moon");
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods)
      expect(pod.spec.imagePullSecrets, pod.owner.metadata.name).toEqual([{ name: "registry-pull" }]);
    expect(doks.outputs.registry).toBe("registry.digitalocean.com/moon-doks-xxxxxx");
  });

  it("uses a configured registry name instead of a random one", async () => {
    const named = await render({ stack: "doks", set: { "doks.registry.name": "moon-insurance" } });
    expect(onlyOne(named, "digitalocean:index/containerRegistry:ContainerRegistry").name).toBe("moon-insurance");
    expect(inputsOf(named, "random:index/randomString:RandomString")).toEqual([]);
  });
});

describe("doks MySQL", () => {
  it("is MySQL 8 on the VPC with its own database and user", () => {
    expect(onlyOne(doks, "digitalocean:index/databaseCluster:DatabaseCluster")).toMatchObject({
      engine: "mysql",
      version: "8",
      size: "db-s-1vcpu-1gb",
      nodeCount: 1,
      region: "sgp1",
      privateNetworkUuid: "moon-doks-id",
    });
    expect(
      inputsOf(doks, "digitalocean:index/databaseDb:DatabaseDb")
        .map((d) => d.name)
        .sort(),
    ).toEqual(["moon", "warehouse"]);
    expect(inputsOf(doks, "digitalocean:index/databaseUser:DatabaseUser")).toEqual([
      { clusterId: "moon-doks-id", name: "moon" },
      { clusterId: "moon-doks-id", name: "warehouse_reader" },
    ]);
  });

  it("trusts only the Kubernetes cluster", () => {
    expect(onlyOne(doks, "digitalocean:index/databaseFirewall:DatabaseFirewall")).toEqual({
      clusterId: "moon-doks-id",
      rules: [{ type: "k8s", value: "moon-doks-id" }],
    });
  });

  it("gives the services a DATABASE_URL that verifies TLS against the cluster's CA", () => {
    const url = new URL(credentials(doks).DATABASE_URL!);
    expect(url.host).toBe("private-moon-doks.db.fake:25060");
    expect(url.username).toBe("moon");
    expect(url.pathname).toBe("/moon");
    expect(url.searchParams.get("sslmode")).toBe("verify-full");
    const settings = named(kubeObjects(doks.resources), "ConfigMap", "settings").data as Record<string, string>;
    expect(settings.DATABASE_CA_CERT).toContain("BEGIN CERTIFICATE");
    expect(doks.outputs.databaseHost).toBe("private-moon-doks.db.fake");
  });

  it("lets pods reach the databases only inside the VPC, on DigitalOcean's port", () => {
    const policies = kubeObjects(doks.resources).filter((o) => o.kind === "NetworkPolicy");
    for (const name of ["allow-database", "allow-warehouse"]) {
      expect((named(policies, "NetworkPolicy", name).spec as { egress: unknown[] }).egress).toEqual([
        { ports: [{ port: 25060, protocol: "TCP" }], to: [{ ipBlock: { cidr: "10.120.0.0/20" } }] },
      ]);
    }
  });
});

describe("doks warehouse", () => {
  it("is a second database on the app's MySQL by default, over TLS", () => {
    const url = new URL(credentials(doks).WAREHOUSE_URL!);
    expect(url.protocol).toBe("mysql:");
    expect(url.host).toBe("private-moon-doks.db.fake:25060");
    expect(url.pathname).toBe("/warehouse");
    expect(url.searchParams.get("sslmode")).toBe("require");
  });

  it("is its own managed PostgreSQL, firewalled to the cluster, when configured", async () => {
    const pg = await render({ stack: "doks", set: { "doks.warehouse.engine": "pg" } });
    const servers = inputsOf(pg, "digitalocean:index/databaseCluster:DatabaseCluster");
    expect(servers.map((s) => `${s.engine} ${s.version}`).sort()).toEqual(["mysql 8", "pg 17"]);
    expect(inputsOf(pg, "digitalocean:index/databaseFirewall:DatabaseFirewall")).toEqual([
      { clusterId: "moon-doks-id", rules: [{ type: "k8s", value: "moon-doks-id" }] },
      { clusterId: "moon-doks-warehouse-id", rules: [{ type: "k8s", value: "moon-doks-id" }] },
    ]);
    const url = new URL(credentials(pg).WAREHOUSE_URL!);
    expect(url.protocol).toBe("postgres:");
    expect(url.host).toBe("private-moon-doks-warehouse.db.fake:25060");
    expect(url.password).toBe("fake-password-moon-doks-warehouse");
    expect(url.searchParams.get("sslmode")).toBe("require");
  });

  it("lets the PostgreSQL warehouse user create its tables: a one-shot grant as the admin, before any workload", async () => {
    const pg = await render({ stack: "doks", set: { "doks.warehouse.engine": "pg" } });
    const objects = kubeObjects(pg.resources);
    const job = named(objects, "Job", "warehouse-grants-moon");
    expect(job.metadata.namespace).toBe("moon-setup");
    const container = (job.spec as any).template.spec.containers[0];
    expect(container.image).toBe("postgres:17-alpine");
    expect(container.command).toEqual([
      "psql",
      "-v",
      "ON_ERROR_STOP=1",
      "$(ADMIN_URL)",
      "-c",
      'GRANT CREATE, USAGE ON SCHEMA public TO "moon"',
    ]);
    expect(container.env).toEqual([
      { name: "ADMIN_URL", valueFrom: { secretKeyRef: { name: "warehouse-admin", key: "ADMIN_URL" } } },
    ]);
    // The admin credentials live only in a Secret, marked secret for Pulumi's state.
    const admin = pg.resources.find((r) => r.name === "warehouse-admin")!;
    expect(holdsSecret(admin.inputs.stringData)).toBe(true);
    const adminUrl = new URL(String((named(objects, "Secret", "warehouse-admin").stringData as any).ADMIN_URL));
    expect(`${adminUrl.username}@${adminUrl.host}${adminUrl.pathname}`).toBe(
      "doadmin@private-moon-doks-warehouse.db.fake:25060/warehouse",
    );
    expect(toYaml(pg.resources)).not.toContain("fake-admin-password");
    // Without a PostgreSQL warehouse there is nothing to grant.
    expect(kubeObjects(doks.resources).some((o) => o.metadata.name.startsWith("warehouse-grants"))).toBe(false);
  });
});

describe("doks load balancer and secrets", () => {
  it("fronts the gateway with a named, smallest DigitalOcean TCP load balancer", () => {
    const proxy = kubeObjects(doks.resources).find((o) => o.kind === "EnvoyProxy")!;
    const service = (proxy.spec as any).provider.kubernetes.envoyService;
    expect(service.type).toBe("LoadBalancer");
    expect(service.annotations).toEqual({
      "service.beta.kubernetes.io/do-loadbalancer-name": "moon-doks-gateway",
      "service.beta.kubernetes.io/do-loadbalancer-protocol": "tcp",
      "service.beta.kubernetes.io/do-loadbalancer-size-unit": "1",
    });
  });

  it("never prints a database password or the registry credentials", () => {
    const printed = toYaml(doks.resources) + JSON.stringify(toResourceList(doks.resources));
    expect(printed).not.toContain("fake-password-");
    expect(printed).not.toContain("fake-moon-doks-xxxxxx");
    expect(JSON.stringify(reveal(doks.resources.map((r) => r.inputs)))).toContain("fake-password-moon-doks");
  });
});

describe("doks config", () => {
  it.each([
    ["doks.region", "Singapore", "region slug"],
    ["doks.vpcCidr", "10.120.0.0", "IPv4 CIDR"],
    ["doks.kubernetesVersionPrefix", "1.35", "minor version prefix"],
    ["doks.nodes.maxNodes", "1", "at least minNodes"],
    ["doks.maintenance.day", "someday", "sunday"],
    ["doks.maintenance.startTime", "25:00", "UTC time"],
    ["doks.warehouse.engine", "redshift", "mysql"],
    ["doks.registry.tier", "free", "basic"],
    ["doks.highAvailability", "maybe", "must be true or false"],
    ["doks.database.nodeCount", "2", "db-s-1vcpu-1gb .*raise the size"],
    ["doks.gatewayApiCrds", "both", "cluster"],
  ])("refuses %s=%s, naming the key", async (key, value, message) => {
    await expect(render({ stack: "doks", set: { [key]: value } })).rejects.toThrow(
      new RegExp(`moon-agent-tracker:${key.replaceAll(".", "\\.")}: [^\\n]*${message}`),
    );
  });
});

describeKubeObjects("doks");
