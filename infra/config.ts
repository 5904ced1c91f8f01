import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  activeColourKey,
  type Colour,
  colours,
  defaultColour,
  logLevels,
  notificationKeyOf as notificationKeyIn,
  otherColour,
  readApiKeys,
  type ServiceName,
} from "../contract/index.js";
import { CronScheduleError, cronMaxIntervalSeconds } from "./k8s/monitoring/cron.js";
import { monitoringOnByDefault } from "./monitoring-default.js";
import { project } from "./project.js";
import { releaseSettings } from "./release-settings.js";

export { project };

/** Keys whose values are secrets: read with `requireSecret`/`getSecret`, never printed. */
export const secretKeys = ["apiKeys", "notifyWebhookUrl", "smtpUrl", "alertWebhookUrl", "alertSmtpPassword"] as const;

/** A bad stack setting: Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  override name = "StackConfigError";
}

const quantity = (what: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, `must be a Kubernetes ${what} quantity such as 250m or 256Mi`);

// A pinned tag or digest is required: VERSION comes from the tag, and a floating `latest` would let a
// colour change under a running release.
const imageRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\-/]*(:\d+)?(\/[a-z0-9._-]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/, {
    message: "must be an image reference such as registry/moon-agent-tracker:1.2.3",
    abort: true,
  })
  .refine((v) => /@sha256:/.test(v) || /:[\w][\w.-]*$/.test(v.slice(v.lastIndexOf("/") + 1)), {
    message: "must carry a tag or a digest (e.g. moon-agent-tracker:1.2.3)",
  });

const resources = z.strictObject({
  cpuRequest: quantity("CPU").default("100m"),
  cpuLimit: quantity("CPU").default("500m"),
  memoryRequest: quantity("memory").default("128Mi"),
  memoryLimit: quantity("memory").default("256Mi"),
});

const service = z
  .strictObject({
    // Two at least, so a PodDisruptionBudget of one and a rolling node drain never take a colour down.
    minReplicas: z.coerce.number().int().min(2, "must be at least 2").default(2),
    maxReplicas: z.coerce.number().int().max(50).default(4),
    /** Average CPU utilisation (% of the request) the HPA aims for. */
    targetCpuPercent: z.coerce.number().int().min(10).max(100).default(70),
    resources: resources.prefault({}),
  })
  .refine((s) => s.maxReplicas >= s.minReplicas, {
    message: "maxReplicas must be at least minReplicas",
    path: ["maxReplicas"],
  });

const apiKeys = z
  .string()
  .min(1, "is required")
  .superRefine((value, ctx) => {
    // The services' own grammar (contract), so a bad key fails the deploy, not the pods.
    const { entries, problems } = readApiKeys(value);
    for (const message of problems) ctx.addIssue({ code: "custom", message });
    if (entries.length > 0 && notificationKeyIn(value) === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "must hold an integration or admin key: sales hands alerts to the notification service with it",
      });
    }
  });

/** The key sales presents to the notification service: the first integration key, else the first admin key. */
export function notificationKeyOf(apiKeys: string): string {
  const key = notificationKeyIn(apiKeys);
  if (!key) throw new Error("apiKeys holds no integration or admin key");
  return key;
}

const hostname = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a DNS name such as moon.example.com",
  );

const dnsLabel = z
  .string()
  .regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a DNS label (lower-case letters, digits, -)");

// Stack files give booleans as YAML booleans, `--set` as text; coerce only the two spellings.
const flag = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean({ error: "must be true or false" }),
);

// Per-target sections: each platform reads only its own, and only when it is the chosen target.
const local = z.strictObject({
  /**
   * kubeconfig context (kind-moon, minikube, k3d-…). Required: following whatever context is current
   * would let a later `up` or `destroy` of this stack act on another cluster (an EKS one, say).
   */
  context: z.string().min(1),
  /** Install metrics-server (HPAs scale on its figures); off where the cluster has it (`minikube addons enable metrics-server`). */
  metricsServer: flag.default(true),
  storageSize: quantity("storage").default("2Gi"),
  storageClass: z.string().min(1).optional(),
  mysqlImage: imageRef.default("mysql:8.4"),
});

const cidr = z
  .string()
  .regex(
    /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/,
    "must be an IPv4 CIDR such as 10.0.0.0/16",
  );

const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
const hourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC time such as 18:00");

// CloudWatch accepts only these retention periods.
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const eks = z.strictObject({
  /** EKS cluster name, also naming the VPC, log groups and data stores; `moon-<stack>` when unset. */
  clusterName: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,38}$/, "must be 2-39 lower-case letters, digits or -")
    .optional(),
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d{2}$/, "must be a minor version such as 1.35")
    .default("1.35"),
  network: z
    .strictObject({
      cidr: cidr.default("10.0.0.0/16"),
      // Redshift Serverless places its endpoint across three AZs, so three is also the floor.
      availabilityZones: z.coerce
        .number()
        .int()
        .min(3, "must be at least 3 (Redshift Serverless needs three AZs)")
        .max(4)
        .default(3),
      natGateways: z.enum(["Single", "OnePerAz"]).default("Single"),
    })
    .prefault({}),
  /** Who may reach the Kubernetes API endpoint from outside the VPC. */
  apiAllowedCidrs: z.array(cidr).min(1, "must list at least one CIDR").default(["0.0.0.0/0"]),
  /**
   * IAM roles or users given cluster-admin through EKS access entries, besides whoever creates the
   * cluster: the CI role that runs releases belongs here, or it cannot preview the workloads.
   */
  adminPrincipalArns: z
    .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "must be an IAM role or user ARN"))
    .default([]),
  nodes: z
    .strictObject({
      instanceType: z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t3.medium")
        .default("t3.medium"),
      minSize: z.coerce.number().int().min(1).default(1),
      desiredSize: z.coerce.number().int().min(1).default(3),
      maxSize: z.coerce.number().int().min(1).max(100).default(4),
    })
    .refine((n) => n.minSize <= n.desiredSize && n.desiredSize <= n.maxSize, {
      message: "must satisfy minSize <= desiredSize <= maxSize",
      path: ["desiredSize"],
    })
    .prefault({}),
  controlPlaneLogs: z
    .array(z.enum(["api", "audit", "authenticator", "controllerManager", "scheduler"]))
    .default(["api", "audit", "authenticator"]),
  logRetentionDays: z.coerce
    .number()
    .refine((d) => retentionDays.includes(d), `must be one of ${retentionDays.join(", ")}`)
    .default(30),
  database: z
    .strictObject({
      instanceClass: z
        .string()
        .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.micro")
        .default("db.t4g.micro"),
      engineVersion: z.enum(["8.0", "8.4"]).default("8.4"),
      allocatedStorageGb: z.coerce.number().int().min(20).max(65536).default(20),
      maxAllocatedStorageGb: z.coerce.number().int().min(20).max(65536).default(100),
      multiAz: flag.default(false),
      deletionProtection: flag.default(true),
      backupRetentionDays: z.coerce.number().int().min(1, "must be at least 1: backups stay on").max(35).default(7),
    })
    .refine((d) => d.maxAllocatedStorageGb >= d.allocatedStorageGb, {
      message: "must be at least allocatedStorageGb",
      path: ["maxAllocatedStorageGb"],
    })
    .prefault({}),
  warehouse: z
    .strictObject({
      baseCapacity: z.coerce.number().int().min(8).max(1024).multipleOf(8, "must be a multiple of 8 RPUs").default(8),
      maxCapacity: z.coerce.number().int().min(8).max(1024).multipleOf(8, "must be a multiple of 8 RPUs").default(8),
    })
    .refine((w) => w.maxCapacity >= w.baseCapacity, { message: "must be at least baseCapacity", path: ["maxCapacity"] })
    .prefault({}),
  registry: z
    .strictObject({
      name: z
        .string()
        .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*$/, "must be an ECR repository name such as moon-agent-tracker")
        .default("moon-agent-tracker"),
      untaggedExpiryDays: z.coerce.number().int().min(1).default(7),
      /**
       * Tag patterns (ECR wildcards, e.g. `pr-*`) of candidate images that are never deployed as a colour,
       * expired `candidateExpiryDays` after push. Release tags never expire: either colour may run any of them.
       */
      candidateTagPatterns: z
        .array(z.string().regex(/^[A-Za-z0-9._*-]{1,128}$/, "must be an ECR tag pattern such as pr-*"))
        .default([]),
      candidateExpiryDays: z.coerce.number().int().min(1).default(14),
    })
    .prefault({}),
});

const doks = z.strictObject({
  region: z
    .string()
    .regex(/^[a-z]{3}\d$/, "must be a DigitalOcean region slug such as sgp1")
    .default("sgp1"),
  /** Must not overlap DOKS's pod and service ranges (10.244.0.0/16, 10.245.0.0/16). */
  vpcCidr: cidr.default("10.120.0.0/20"),
  kubernetesVersionPrefix: z
    .string()
    .regex(/^1\.\d{2}\.$/, "must be a minor version prefix such as 1.35.")
    .default("1.35."),
  /**
   * Who installs the Gateway API CRDs: `cluster` (DOKS does, on VPC-native clusters from 1.33; then only
   * Envoy Gateway's own CRDs are installed) or `install` (the program installs the standard channel).
   */
  gatewayApiCrds: z.enum(["cluster", "install"]).default("cluster"),
  /** Install metrics-server (HPAs scale on its figures); off if the cluster already has the Marketplace app. */
  metricsServer: flag.default(true),
  /** Highly available control plane: an extra monthly charge, a 99.95% SLA. */
  highAvailability: flag.default(false),
  nodes: z
    .strictObject({
      size: z
        .string()
        .regex(/^[a-z0-9-]+$/, "must be a Droplet size slug such as s-2vcpu-4gb")
        .default("s-2vcpu-4gb"),
      minNodes: z.coerce.number().int().min(1).default(2),
      maxNodes: z.coerce.number().int().min(1).max(100).default(4),
    })
    .refine((n) => n.maxNodes >= n.minNodes, { message: "must be at least minNodes", path: ["maxNodes"] })
    .prefault({}),
  /** Weekly window (UTC) for cluster upgrades and database maintenance; 18:00 UTC is 02:00 in Singapore. */
  maintenance: z.strictObject({ day: weekday.default("sunday"), startTime: hourMinute.default("18:00") }).prefault({}),
  database: z
    .strictObject({
      size: z
        .string()
        .regex(/^db-[a-z0-9-]+$/, "must be a database size slug such as db-s-1vcpu-1gb")
        .default("db-s-1vcpu-1gb"),
      nodeCount: z.coerce.number().int().min(1).max(3).default(1),
    })
    // DigitalOcean offers standby nodes only from the 2 GB plans up.
    .refine((d) => d.nodeCount === 1 || d.size !== "db-s-1vcpu-1gb", {
      message:
        "must be 1 with doks.database.size db-s-1vcpu-1gb (no standby nodes on the smallest plan): raise the size",
      path: ["nodeCount"],
    })
    .prefault({}),
  warehouse: z
    .strictObject({
      engine: z.enum(["mysql", "pg"]).default("mysql"),
      /** Only for engine pg: its own managed PostgreSQL cluster. */
      size: z
        .string()
        .regex(/^db-[a-z0-9-]+$/, "must be a database size slug such as db-s-1vcpu-1gb")
        .default("db-s-1vcpu-1gb"),
      postgresVersion: z
        .string()
        .regex(/^\d{2}$/, "must be a PostgreSQL major version such as 17")
        .default("17"),
    })
    .prefault({}),
  registry: z
    .strictObject({
      /** Registry names are global across DigitalOcean; `moon-<stack>-<random>` when unset. */
      name: z
        .string()
        .regex(/^[a-z0-9-]{3,63}$/, "must be 3-63 lower-case letters, digits or -")
        .optional(),
      tier: z.enum(["starter", "basic", "professional"]).default("basic"),
    })
    .prefault({}),
});

const labelMap = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([\w.-]{0,61}[A-Za-z0-9])?$/, "must be a label name"),
  z.string().regex(/^([A-Za-z0-9]([\w.-]{0,61}[A-Za-z0-9])?)?$/, "must be a label value"),
);

const monitoring = z.strictObject({
  /** Scrape, alert and (with `install`) run the monitoring stack; on by default on eks and doks. */
  enabled: flag.optional(),
  /** false: the cluster already runs the Prometheus Operator; only monitors, rules and receivers are created. */
  install: flag.default(true),
  /** Namespace of the monitoring stack (with `install: false`, where the existing Prometheus runs). */
  namespace: dnsLabel.default("monitoring"),
  chartVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, "must be a kube-prometheus-stack chart version such as 88.5.3")
    .default("88.5.3"),
  /** Prometheus keeps its data on a PersistentVolumeClaim of this size; on an emptyDir when unset. */
  storageSize: quantity("storage").optional(),
  storageClass: z.string().min(1).optional(),
  /** Labels put on every monitor, rule and receiver object: what an existing Prometheus's selectors match. */
  objectLabels: labelMap.default({}),
  /** Where alert annotations point for their runbook; the README in this repository by default. */
  runbookBaseUrl: z.string().min(1).default("README.md"),
  /** Email receiver; its password is the secret `alertSmtpPassword`. */
  alertEmail: z
    .strictObject({
      to: z.email({ error: "must be an email address" }),
      from: z.email({ error: "must be an email address" }),
      smarthost: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, "must be host:port such as smtp.example.com:587"),
      username: z.string().min(1).optional(),
    })
    .optional(),
});

const schema = z
  .strictObject({
    target: z.enum(["local", "eks", "doks"]),
    [activeColourKey]: z.enum(colours).default(defaultColour),
    images: z.strictObject({ blue: imageRef, green: imageRef }),
    namespace: dnsLabel.default("moon"),
    logLevel: z.enum(logLevels).default("info"),
    services: z
      .strictObject({ agent: service.prefault({}), sales: service.prefault({}), notification: service.prefault({}) })
      .prefault({}),
    aggregator: z
      .strictObject({
        schedule: z
          .string()
          .regex(
            /^(@(hourly|daily|weekly|monthly|yearly))|(\S+\s+\S+\s+\S+\s+\S+\s+\S+)$/,
            "must be a cron schedule such as '0 * * * *'",
          )
          // Every 5 minutes: "the last 24 hours" on the dashboards is at most 5 minutes stale (README: cost).
          .default("*/5 * * * *"),
        resources: resources.prefault({ cpuLimit: "1", memoryLimit: "512Mi" }),
      })
      .prefault({}),
    /** Public host name; the Gateway serves HTTPS for it when set. */
    domain: hostname.optional(),
    /** cert-manager ClusterIssuer that issues the Gateway certificate; without it, create Secret `<namespace>-tls` yourself. */
    certIssuer: z.string().min(1).optional(),
    gateway: z
      .strictObject({
        chartVersion: z
          .string()
          .regex(/^v?\d+\.\d+\.\d+$/, "must be a chart version such as v1.9.0")
          .default("v1.9.0"),
        namespace: dnsLabel.default("envoy-gateway-system"),
      })
      .prefault({}),
    database: z.strictObject({ name: dnsLabel.default("moon"), user: dnsLabel.default("moon") }).prefault({}),
    warehouse: z.strictObject({ name: dnsLabel.default("warehouse") }).prefault({}),
    apiKeys,
    notifyWebhookUrl: z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional(),
    smtpUrl: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
    monitoring: monitoring.prefault({}),
    /** Alertmanager posts alerts here (Slack-compatible or any webhook); a secret, it often carries a token. */
    alertWebhookUrl: z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional(),
    alertSmtpPassword: z.string().min(1).optional(),
    /** How `npm run release` / `promote` judge a colour from Prometheus (release-settings.ts). */
    release: releaseSettings.prefault({}),
    local: local.optional(),
    eks: eks.optional(),
    doks: doks.optional(),
  })
  .superRefine((s, ctx) => {
    const on = monitoringEnabled(s.target, s.monitoring.enabled);
    const receiverNeedsMonitoring = (path: (string | number)[]) =>
      ctx.addIssue({ code: "custom", path, message: "is a receiver: it needs monitoring.enabled" });
    if (!on && s.alertWebhookUrl !== undefined) receiverNeedsMonitoring(["alertWebhookUrl"]);
    if (!on && s.monitoring.alertEmail) receiverNeedsMonitoring(["monitoring", "alertEmail"]);
    // The aggregator alert waits twice the schedule's longest interval: it must be one the rules can read.
    if (on) {
      try {
        cronMaxIntervalSeconds(s.aggregator.schedule);
      } catch (err) {
        if (!(err instanceof CronScheduleError)) throw err;
        ctx.addIssue({ code: "custom", path: ["aggregator", "schedule"], message: err.reason });
      }
    }
    if (s.alertSmtpPassword !== undefined && !s.monitoring.alertEmail?.username) {
      ctx.addIssue({
        code: "custom",
        path: ["alertSmtpPassword"],
        message: "needs monitoring.alertEmail with a username to log in with",
      });
    }
    if (s.monitoring.alertEmail?.username && s.alertSmtpPassword === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["monitoring", "alertEmail", "username"],
        message: "needs the secret alertSmtpPassword",
      });
    }
  });

function monitoringEnabled(target: Settings["target"], enabled: boolean | undefined): boolean {
  return enabled ?? monitoringOnByDefault(target);
}

type Settings = z.infer<typeof schema>;

/** The validated stack config; secret values only as secret Outputs. */
export type StackConfig = Omit<Settings, (typeof secretKeys)[number] | "monitoring"> & {
  idleColor: Colour;
  apiKeys: pulumi.Output<string>;
  notifyWebhookUrl?: pulumi.Output<string>;
  smtpUrl?: pulumi.Output<string>;
  monitoring: MonitoringSettings;
};
export type MonitoringSettings = Omit<Settings["monitoring"], "enabled"> & {
  enabled: boolean;
  alertWebhookUrl?: pulumi.Output<string>;
  alertSmtpPassword?: pulumi.Output<string>;
};
export type ServiceSettings = Settings["services"][ServiceName];
export type Resources = ServiceSettings["resources"];
export type LocalSettings = z.infer<typeof local>;
export type EksSettings = z.infer<typeof eks>;
export type DoksSettings = z.infer<typeof doks>;
/** What a cloud stack gets when its section is left out of the stack file. */
export const eksDefaults: EksSettings = eks.parse({});
export const doksDefaults: DoksSettings = doks.parse({});

/** Raw values of this project's keys; structured values arrive as JSON text. */
function rawConfig(): Record<string, unknown> {
  const prefix = `${project}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(prefix)) continue;
    raw[key.slice(prefix.length)] = /^\s*[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return raw;
}

/** Reads and validates the whole stack config; throws one error naming every bad key. */
export function loadConfig(): StackConfig {
  const result = schema.safeParse(rawConfig(), {
    error: (issue) => (issue.input === undefined ? "is required" : undefined),
  });
  // The local target needs its section for the one setting without a default: the context.
  const issues = result.success
    ? result.data.target === "local" && !result.data.local
      ? [{ code: "custom", path: ["local", "context"], message: "is required" } as const]
      : []
    : result.error.issues;
  if (!result.success || issues.length > 0) {
    // Messages name the key and what is allowed, never the value (it may be a secret).
    const lines = issues.flatMap((i) => {
      const paths = i.code === "unrecognized_keys" ? i.keys.map((k) => [...i.path, k]) : [i.path];
      const message = i.code === "unrecognized_keys" ? "is not a known setting" : i.message;
      return paths.map((path) => `  ${project}:${path.join(".")}: ${message}`);
    });
    throw new StackConfigError(`invalid stack config:\n${lines.join("\n")}`);
  }
  const settings = result.data;
  const cfg = new pulumi.Config(project);
  const optionalSecret = (key: (typeof secretKeys)[number]) =>
    settings[key] === undefined ? undefined : cfg.requireSecret(key);
  // The alert secrets' plain values stay behind: the program sees them only as secret Outputs.
  const { alertWebhookUrl: _webhook, alertSmtpPassword: _password, ...plain } = settings;
  return {
    ...plain,
    monitoring: {
      ...settings.monitoring,
      enabled: monitoringEnabled(settings.target, settings.monitoring.enabled),
      // Prometheus on DigitalOcean gets a small block-storage volume; EKS has no CSI driver installed.
      storageSize: settings.monitoring.storageSize ?? (settings.target === "doks" ? "10Gi" : undefined),
      alertWebhookUrl: optionalSecret("alertWebhookUrl"),
      alertSmtpPassword: optionalSecret("alertSmtpPassword"),
    },
    idleColor: otherColour(settings.activeColor),
    apiKeys: cfg.requireSecret("apiKeys"),
    notifyWebhookUrl: optionalSecret("notifyWebhookUrl"),
    smtpUrl: optionalSecret("smtpUrl"),
  };
}
