// Grafana in the rendered program: both dashboards as sidecar ConfigMaps built by the same code as
// `npm run dashboards`, every datasource they name provisioned (Prometheus by the chart, the warehouse
// by a Secret), a read-only warehouse reader per platform, and no credential outside Secrets.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeDashboards } from "./dashboards/cli.js";
import { configMapLimitBytes, dashboardData } from "./k8s/monitoring/grafana.js";
import { named, ofKind, podTemplates, selects } from "./render/inspect.js";
import { holdsSecret, type KubeObject, kubeObjects, reveal, toResourceList, toYaml } from "./render/objects.js";
import { type Rendered, render } from "./render/render.js";

const chart = "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack";

interface Datasource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  user?: string;
  jsonData?: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
}
interface Board {
  uid: string;
  panels: { title: string; type: string; targets?: { datasource?: { type: string; uid: string } }[] }[];
  templating: { list: { name: string; type: string; query?: string; current?: { value: string } }[] };
}

const stacks = {
  eks: { stack: "eks", dialect: "redshift" },
  "doks mysql": { stack: "doks", dialect: "mysql" },
  "doks pg": { stack: "doks", dialect: "postgres", set: { "doks.warehouse.engine": "pg" } },
  "local with monitoring": { stack: "local", dialect: "mysql", set: { "monitoring.enabled": "true" } },
  "doks, an existing Grafana": {
    stack: "doks",
    dialect: "mysql",
    set: { "monitoring.install": "false", "monitoring.namespace": "observability" },
  },
} as const;
type Label = keyof typeof stacks;
const labels = Object.keys(stacks) as Label[];

const rendered = {} as Record<Label, Rendered>;
beforeAll(async () => {
  for (const label of labels) {
    const { stack, set } = stacks[label] as { stack: string; set?: Record<string, string> };
    rendered[label] = await render({ stack, set });
  }
});

const objectsOf = (label: Label) => kubeObjects(rendered[label].resources);
const grafanaNamespace = (label: Label) => (label === "doks, an existing Grafana" ? "observability" : "monitoring");
const chartValues = (label: Label) =>
  rendered[label].resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === chart)?.inputs
    .values as Record<string, any> | undefined;
const dashboardMaps = (label: Label) =>
  ofKind(objectsOf(label), "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1");
const boardsOf = (label: Label) =>
  dashboardMaps(label).flatMap((c) =>
    Object.values(c.data as Record<string, string>).map((j) => JSON.parse(j)),
  ) as Board[];
const datasourceSecrets = (label: Label) =>
  ofKind(objectsOf(label), "Secret").filter((s) => s.metadata.labels?.grafana_datasource === "1");
const provisioned = (label: Label): Datasource[] =>
  datasourceSecrets(label).flatMap((s) =>
    Object.values(s.stringData as Record<string, string>).flatMap((file) => JSON.parse(file).datasources),
  );
const warehouseOf = (label: Label) => provisioned(label).find((d) => d.uid === "moon-warehouse")!;

/** `${name}` resolves through the board's datasource variable to the uid it defaults to. */
function resolve(board: Board, ref: { uid: string }): string {
  const variable = /^\$\{(\w+)\}$/.exec(ref.uid)?.[1];
  if (!variable) return ref.uid;
  const found = board.templating.list.find((v) => v.name === variable && v.type === "datasource");
  if (!found?.current) throw new Error(`${board.uid}: no datasource variable ${variable}`);
  return found.current.value;
}

describe.each(labels)("%s", (label) => {
  it("ships both dashboards as sidecar ConfigMaps in Grafana's namespace and folder", () => {
    const maps = dashboardMaps(label);
    expect(maps.map((m) => m.metadata.name).sort()).toEqual([
      "dashboard-moon-operations",
      `dashboard-moon-sales-kpis-${stacks[label].dialect}`,
    ]);
    for (const map of maps) {
      expect(map.metadata.namespace).toBe(grafanaNamespace(label));
      expect(map.metadata.annotations).toEqual({ grafana_folder: "Moon Agent Tracker" });
      const bytes = Object.entries(map.data as Record<string, string>).reduce(
        (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v),
        0,
      );
      expect(bytes).toBeLessThan(configMapLimitBytes);
    }
    expect(
      boardsOf(label)
        .map((b) => b.uid)
        .sort(),
    ).toEqual(["moon-operations", `moon-sales-kpis-${stacks[label].dialect}`]);
  });

  it("carries the very dashboards npm run dashboards writes", () => {
    const out = mkdtempSync(join(tmpdir(), "moon-shipped-"));
    try {
      const args = [
        "--out",
        out,
        "--warehouse",
        stacks[label].dialect,
        "--active-colour",
        "blue",
        "--namespace",
        "moon",
      ];
      const written = Object.fromEntries(
        writeDashboards(args).map((path) => [basename(path), readFileSync(path, "utf8")]),
      );
      const shipped = Object.fromEntries(
        dashboardMaps(label).flatMap((c) => Object.entries(c.data as Record<string, string>)),
      );
      expect(Object.keys(shipped).sort()).toEqual(Object.keys(written).sort());
      for (const [file, json] of Object.entries(written)) expect(JSON.parse(shipped[file]!)).toEqual(JSON.parse(json));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("provisions every datasource a panel names, of the type the panel expects", () => {
    const values = chartValues(label);
    expect(values === undefined).toBe(label === "doks, an existing Grafana");
    // The chart provisions Prometheus under the uid it is told; an existing Grafana has its own.
    const uids = new Map(provisioned(label).map((d) => [d.uid, d.type]));
    if (values) uids.set(values.grafana.sidecar.datasources.uid, "prometheus");
    for (const board of boardsOf(label)) {
      const refs = board.panels.flatMap((p) => p.targets ?? []).map((t) => t.datasource!);
      expect(refs.length).toBeGreaterThan(10);
      for (const ref of refs) {
        const uid = resolve(board, ref);
        if (!values && ref.type === "prometheus") {
          // Without the chart, the variable offers every Prometheus of that Grafana; its default is the chart's uid.
          expect(uid).toBe("prometheus");
          continue;
        }
        expect(uids.get(uid), `${board.uid}: ${uid}`).toBe(ref.type);
      }
    }
  });

  it("keeps the warehouse datasource in a Secret the datasource sidecar loads, in Grafana's namespace", () => {
    const [secret] = datasourceSecrets(label);
    expect(datasourceSecrets(label)).toHaveLength(1);
    expect(secret!.metadata.namespace).toBe(grafanaNamespace(label));
    const resource = rendered[label].resources.find(
      (r) => r.type === "kubernetes:core/v1:Secret" && r.name === secret!.metadata.name,
    )!;
    expect(holdsSecret(resource.inputs.stringData)).toBe(true);
    expect(warehouseOf(label)).toMatchObject({ name: "Moon warehouse", uid: "moon-warehouse", editable: false });
  });

  it("labels what the chart's sidecars are told to load", () => {
    const sidecar = chartValues(label)?.grafana.sidecar;
    // Only a stack that installs the chart has its values; an existing Grafana's sidecar is its own.
    expect(sidecar === undefined).toBe(label === "doks, an existing Grafana");
    if (!sidecar) return;
    expect(sidecar.dashboards).toMatchObject({
      label: "grafana_dashboard",
      labelValue: "1",
      searchNamespace: "ALL",
      folderAnnotation: "grafana_folder",
      provider: { foldersFromFilesStructure: true },
    });
    expect(sidecar.datasources).toMatchObject({ label: "grafana_datasource", labelValue: "1", uid: "prometheus" });
  });

  it("shows no credential outside Secrets: not in other objects, the YAML, the resource list or outputs", () => {
    const all = JSON.stringify(reveal(rendered[label].resources.map((r) => r.inputs)));
    const credentials = [...new Set(all.match(/fake-(admin-)?password-[\w-]+/g) ?? [])];
    // The warehouse reader's password is among them wherever it is a SQL user.
    if (stacks[label].dialect !== "redshift")
      expect(credentials).toContain(warehouseOf(label).secureJsonData!.password);
    for (const o of objectsOf(label).filter((o) => o.kind !== "Secret")) {
      const text = JSON.stringify(o);
      expect(
        credentials.filter((c) => text.includes(c)),
        `${o.kind} ${o.metadata.name}`,
      ).toEqual([]);
    }
    const printed = toYaml(rendered[label].resources) + JSON.stringify(toResourceList(rendered[label].resources));
    expect(credentials.filter((c) => printed.includes(c))).toEqual([]);
    expect(credentials.filter((c) => JSON.stringify(rendered[label].outputs).includes(c))).toEqual([]);
  });
});

const readerJob = (label: Label) => {
  const job = named(objectsOf(label), "Job", "warehouse-reader");
  const secret = named(objectsOf(label), "Secret", "warehouse-reader");
  return { job, container: (job.spec as any).template.spec.containers[0], data: secret.stringData as any };
};

describe("the warehouse datasource and its read-only user", () => {
  it("doks MySQL: Grafana logs in as warehouse_reader over verified TLS; doadmin leaves it only SELECT", () => {
    const ds = warehouseOf("doks mysql");
    expect(ds).toMatchObject({
      type: "mysql",
      url: "private-moon-doks.db.fake:25060",
      user: "warehouse_reader",
      jsonData: { database: "warehouse", tlsAuthWithCACert: true },
      secureJsonData: { password: "fake-password-moon-doks-warehouse-reader" },
    });
    expect(ds.secureJsonData!.tlsCACert).toContain("BEGIN CERTIFICATE");
    const { job, container, data } = readerJob("doks mysql");
    expect(job.metadata.namespace).toBe("moon-setup");
    expect(container.image).toBe("mysql:8.4");
    expect(container.command).toContain("--ssl-mode=VERIFY_IDENTITY");
    expect(data.DB_USER).toBe("doadmin");
    expect(data["reader.sql"]).toBe(
      "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'warehouse_reader'@'%';\nGRANT SELECT ON `warehouse`.* TO 'warehouse_reader'@'%';\n",
    );
  });

  it("doks PostgreSQL: its own reader, granted SELECT by the tables' owner, sslmode verify-full", () => {
    const ds = warehouseOf("doks pg");
    expect(ds).toMatchObject({
      type: "grafana-postgresql-datasource",
      url: "private-moon-doks-warehouse.db.fake:25060",
      user: "warehouse_reader",
      jsonData: { database: "warehouse", sslmode: "verify-full", tlsConfigurationMethod: "file-content" },
    });
    const { container, data } = readerJob("doks pg");
    expect(container.image).toBe("postgres:17-alpine");
    expect(new URL(data.OWNER_URL).username).toBe("moon");
    expect(data["reader.sql"]).toContain('ALTER DEFAULT PRIVILEGES FOR USER "moon" IN SCHEMA public');
  });

  it("eks: the Redshift plugin, pinned, reading through the Data API as a Pod Identity role", () => {
    expect(chartValues("eks")!.grafana.plugins).toEqual(["grafana-redshift-datasource@2.5.0"]);
    // The plugin's process sees the Pod Identity variables only if Grafana forwards its environment to it.
    expect(chartValues("eks")!.grafana["grafana.ini"]).toEqual({
      plugins: { forward_host_env_vars: "grafana-redshift-datasource" },
    });
    for (const label of labels.filter((l) => l !== "eks")) {
      expect(chartValues(label)?.grafana.plugins).toBeUndefined();
      expect(chartValues(label)?.grafana["grafana.ini"]).toBeUndefined();
    }
    const workgroup = rendered.eks.resources.find((r) => r.type === "aws:redshiftserverless/workgroup:Workgroup")!;
    const ds = warehouseOf("eks");
    expect(ds).toMatchObject({
      type: "grafana-redshift-datasource",
      jsonData: {
        authType: "default",
        defaultRegion: "ap-southeast-1",
        useServerless: true,
        workgroupName: workgroup.inputs.workgroupName,
        database: "warehouse",
      },
    });
    expect(ds.secureJsonData).toBeUndefined();

    const association = rendered.eks.resources.find(
      (r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    )!.inputs;
    expect(association).toMatchObject({ namespace: "monitoring", serviceAccount: "kube-prometheus-stack-grafana" });
    const roleName = String(association.roleArn).split("/").pop();
    const policy = JSON.parse(
      String(rendered.eks.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!.inputs.policy),
    );
    const onWorkgroup = policy.Statement.find((s: any) => s.Action.includes("redshift-serverless:GetCredentials"));
    expect(onWorkgroup.Resource).toBe(
      "arn:aws:redshift-serverless:ap-southeast-1:123456789012:workgroup/moon-eks-0000",
    );
    // Statements run only in this workgroup; no secrets, no provisioned clusters.
    for (const statement of policy.Statement.filter((s: any) => s.Resource === "*"))
      expect(statement.Action).not.toContain("redshift-data:ExecuteStatement");
    expect(JSON.stringify(policy)).not.toMatch(/secretsmanager|redshift:GetClusterCredentials/);

    const { container, data } = readerJob("eks");
    expect(container.command).toEqual(["psql", "-v", "ON_ERROR_STOP=1", "-f", "/sql/reader.sql", "$(ADMIN_URL)"]);
    expect(data["reader.sql"]).toContain(`CREATE USER "IAMR:${roleName}" PASSWORD DISABLE;`);
    expect(data["reader.sql"]).toContain(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO "IAMR:${roleName}";`);
  });

  it("local: a reader created by root beside MySQL, which admits Grafana's pods and the Job", () => {
    const label = "local with monitoring";
    expect(warehouseOf(label)).toMatchObject({
      type: "mysql",
      url: "mysql.moon-data.svc.cluster.local:3306",
      user: "warehouse_reader",
      // TLS against the server's self-signed certificate: MySQL 8.4's password plugin needs TLS (or RSA).
      jsonData: { database: "warehouse", tlsSkipVerify: true },
    });
    const { job, data } = readerJob(label);
    expect(job.metadata.namespace).toBe("moon-data");
    expect(data["reader.sql"]).toMatch(
      /^CREATE USER IF NOT EXISTS 'warehouse_reader'@'%' IDENTIFIED BY 'fake-password-mysql-reader';/,
    );
    const policy = named(objectsOf(label), "NetworkPolicy", "mysql").spec as any;
    const admits = (namespace: string, podLabels: Record<string, string>) =>
      policy.ingress[0].from.some(
        (peer: any) =>
          (peer.namespaceSelector
            ? selects(peer.namespaceSelector, { "kubernetes.io/metadata.name": namespace })
            : namespace === "moon-data") &&
          (!peer.podSelector || selects(peer.podSelector, podLabels)),
      );
    const grafanaPod = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack" };
    expect(admits("monitoring", grafanaPod)).toBe(true);
    expect(admits("moon-data", podTemplates([job])[0]!.labels)).toBe(true);
    expect(admits("monitoring", { "app.kubernetes.io/name": "prometheus" })).toBe(false);
  });

  it("creates no reader, dashboard or datasource when monitoring is off", async () => {
    const off = await render({ stack: "local" });
    const objects: KubeObject[] = kubeObjects(off.resources);
    expect(objects.filter((o) => /warehouse-reader|^dashboard-|grafana-warehouse/.test(o.metadata.name))).toEqual([]);
    const policy = named(objects, "NetworkPolicy", "mysql").spec as any;
    expect(policy.ingress[0].from).toHaveLength(1);
  });
});

describe("a dashboard too big for a ConfigMap", () => {
  it("is refused with its size, before the API server would", () => {
    const board = { panels: [{ description: "x".repeat(configMapLimitBytes) }] };
    expect(() => dashboardData("huge.json", board)).toThrow(/huge\.json is \d+ bytes: more than a ConfigMap holds/);
    expect(Object.keys(dashboardData("small.json", { panels: [] }))).toEqual(["small.json"]);
  });
});
