import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** Pulumi project name: every key below is `moon-agent-tracker:<key>` in `Pulumi.<stack>.yaml`. */
export const project = "moon-agent-tracker";

export const colours = ["blue", "green"] as const;
export type Colour = (typeof colours)[number];

export const serviceNames = ["agent", "sales", "notification"] as const;
export type ServiceName = (typeof serviceNames)[number];

/** Keys whose values are secrets: read with `requireSecret`/`getSecret`, never printed. */
export const secretKeys = ["apiKeys", "notifyWebhookUrl", "smtpUrl"] as const;

/** A bad stack setting: Pulumi prints the message without a stack trace. */
export class StackConfigError extends pulumi.RunError {
  override name = "StackConfigError";
}

const quantity = (what: string) =>
  z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, `must be a Kubernetes ${what} quantity such as 250m or 256Mi`);

// A pinned tag or digest is required: VERSION comes from the tag, and a floating `latest` would let a
// colour change under a running release.
const imageRef = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._\-/]*(:\d+)?(\/[a-z0-9._\-]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/,
    "must be an image reference such as registry/moon-agent-tracker:1.2.3",
  )
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
  .refine((s) => s.maxReplicas >= s.minReplicas, { message: "maxReplicas must be at least minReplicas", path: ["maxReplicas"] });

const apiKeys = z
  .string()
  .min(1, "is required")
  .superRefine((value, ctx) => {
    // Mirrors the services' own check (apps/http/auth.ts) so a bad key fails the deploy, not the pods.
    const entries = value.split(",").map((s) => s.trim()).filter(Boolean);
    if (entries.length === 0) ctx.addIssue({ code: "custom", message: "must hold at least one role:key entry" });
    entries.forEach((entry, i) => {
      const [role, key] = [entry.slice(0, entry.indexOf(":")), entry.slice(entry.indexOf(":") + 1)];
      if (!["admin", "integration", "viewer"].includes(role)) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} must be role:key with role admin, integration or viewer` });
      } else if (key.length < 16) {
        ctx.addIssue({ code: "custom", message: `entry ${i + 1} (${role}) has a key shorter than 16 characters` });
      }
    });
  });

const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "must be a DNS name such as moon.example.com");

const dnsLabel = z.string().regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a DNS label (lower-case letters, digits, -)");

// Per-target sections: each platform reads only its own, and only when it is the chosen target.
const local = z.strictObject({
  /** kubeconfig context (kind-kind, minikube, k3d-…); the current context when unset. */
  context: z.string().min(1).optional(),
  storageSize: quantity("storage").default("2Gi"),
  storageClass: z.string().min(1).optional(),
  mysqlImage: imageRef.default("mysql:8.4"),
});

const schema = z.strictObject({
  target: z.enum(["local", "eks", "doks"]),
  activeColor: z.enum(colours).default("blue"),
  images: z.strictObject({ blue: imageRef, green: imageRef }),
  namespace: dnsLabel.default("moon"),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
  services: z
    .strictObject({ agent: service.prefault({}), sales: service.prefault({}), notification: service.prefault({}) })
    .prefault({}),
  aggregator: z
    .strictObject({
      schedule: z
        .string()
        .regex(/^(@(hourly|daily|weekly|monthly|yearly))|(\S+\s+\S+\s+\S+\s+\S+\s+\S+)$/, "must be a cron schedule such as '0 * * * *'")
        .default("0 * * * *"),
      resources: resources.prefault({ cpuLimit: "1", memoryLimit: "512Mi" }),
    })
    .prefault({}),
  /** Public host name; the Gateway serves HTTPS for it when set. */
  domain: hostname.optional(),
  /** cert-manager ClusterIssuer that issues the Gateway certificate; without it, create Secret `<namespace>-tls` yourself. */
  certIssuer: z.string().min(1).optional(),
  gateway: z
    .strictObject({
      chartVersion: z.string().regex(/^v?\d+\.\d+\.\d+$/, "must be a chart version such as v1.9.1").default("v1.9.1"),
      namespace: dnsLabel.default("envoy-gateway-system"),
    })
    .prefault({}),
  database: z.strictObject({ name: dnsLabel.default("moon"), user: dnsLabel.default("moon") }).prefault({}),
  warehouse: z.strictObject({ name: dnsLabel.default("warehouse") }).prefault({}),
  apiKeys,
  notifyWebhookUrl: z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional(),
  smtpUrl: z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional(),
  local: local.optional(),
});

type Settings = z.infer<typeof schema>;

/** The validated stack config; secret values only as secret Outputs. */
export type StackConfig = Omit<Settings, (typeof secretKeys)[number]> & {
  idleColor: Colour;
  apiKeys: pulumi.Output<string>;
  notifyWebhookUrl?: pulumi.Output<string>;
  smtpUrl?: pulumi.Output<string>;
};
export type ServiceSettings = Settings["services"][ServiceName];
export type Resources = ServiceSettings["resources"];
export type LocalSettings = z.infer<typeof local>;

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
  const result = schema.safeParse(rawConfig());
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${project}:${i.path.join(".") || "(config)"}: ${i.message}`);
    throw new StackConfigError(`invalid stack config:\n${lines.join("\n")}`);
  }
  const settings = result.data;
  const cfg = new pulumi.Config(project);
  return {
    ...settings,
    idleColor: settings.activeColor === "blue" ? "green" : "blue",
    apiKeys: cfg.requireSecret("apiKeys"),
    notifyWebhookUrl: settings.notifyWebhookUrl === undefined ? undefined : cfg.requireSecret("notifyWebhookUrl"),
    smtpUrl: settings.smtpUrl === undefined ? undefined : cfg.requireSecret("smtpUrl"),
  };
}
