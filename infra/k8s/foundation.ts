import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { notificationKeyOf } from "../config.js";
import type { DatabaseFacts } from "../platforms/platform.js";
import { partOf } from "./apps.js";

export interface FoundationArgs {
  namespace: string;
  logLevel: string;
  database: DatabaseFacts;
  warehouseUrl: pulumi.Output<string>;
  apiKeys: pulumi.Output<string>;
  notifyWebhookUrl?: pulumi.Output<string>;
  smtpUrl?: pulumi.Output<string>;
  /** `.dockerconfigjson` when the registry needs credentials. */
  registryAuth?: pulumi.Output<string>;
}

/** Environment variables the Secret can hold; a URL with a password lives nowhere else. */
export type SecretVar =
  | "API_KEYS"
  | "NOTIFICATION_API_KEY"
  | "DATABASE_URL"
  | "WAREHOUSE_URL"
  | "NOTIFY_WEBHOOK_URL"
  | "SMTP_URL";
export type SettingVar = "LOG_LEVEL" | "DATABASE_CA_CERT";

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** `mysql://user:pass@host:port/db` plus the TLS mode the platform asks for. */
function databaseUrl(db: DatabaseFacts): pulumi.Output<string> {
  const query = db.sslMode === "disable" ? "" : `?sslmode=${db.sslMode}`;
  return pulumi.secret(
    pulumi
      .all([db.user, db.password, db.host, db.port, db.name])
      .apply(
        ([user, password, host, port, name]) =>
          `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${name}${query}`,
      ),
  );
}

/**
 * The namespace (restricted Pod Security Standard), a ConfigMap for plain settings and one Secret for
 * credentials. Workloads take single keys from them, so each container sees only what it uses.
 */
export class Foundation extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly pullSecret?: { name: pulumi.Output<string> };
  private readonly secretName: pulumi.Output<string>;
  private readonly settingsName: pulumi.Output<string>;
  private readonly secretVars: Set<SecretVar>;
  private readonly settingVars: Set<SettingVar>;

  constructor(name: string, args: FoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:Foundation", name, {}, opts);
    const labels = { "app.kubernetes.io/part-of": partOf };

    const namespace = new k8s.core.v1.Namespace(
      name,
      {
        metadata: {
          name: args.namespace,
          labels: {
            ...labels,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
          },
        },
      },
      { parent: this },
    );
    this.namespace = namespace.metadata.name;

    const settings: Partial<Record<SettingVar, pulumi.Input<string>>> = { LOG_LEVEL: args.logLevel };
    if (args.database.caCert) settings.DATABASE_CA_CERT = args.database.caCert;
    const configMap = new k8s.core.v1.ConfigMap(
      "settings",
      { metadata: { name: "settings", namespace: this.namespace, labels }, data: settings },
      { parent: this },
    );

    const secrets: Partial<Record<SecretVar, pulumi.Output<string>>> = {
      API_KEYS: args.apiKeys,
      NOTIFICATION_API_KEY: args.apiKeys.apply(notificationKeyOf),
      DATABASE_URL: databaseUrl(args.database),
      WAREHOUSE_URL: args.warehouseUrl,
      ...(args.notifyWebhookUrl ? { NOTIFY_WEBHOOK_URL: args.notifyWebhookUrl } : {}),
      ...(args.smtpUrl ? { SMTP_URL: args.smtpUrl } : {}),
    };
    const secret = new k8s.core.v1.Secret(
      "credentials",
      {
        metadata: { name: "credentials", namespace: this.namespace, labels },
        type: "Opaque",
        stringData: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, pulumi.secret(v)])),
      },
      { parent: this },
    );

    if (args.registryAuth) {
      const pull = new k8s.core.v1.Secret(
        "registry-pull",
        {
          metadata: { name: "registry-pull", namespace: this.namespace, labels },
          type: "kubernetes.io/dockerconfigjson",
          stringData: { ".dockerconfigjson": pulumi.secret(args.registryAuth) },
        },
        { parent: this },
      );
      this.pullSecret = { name: pull.metadata.name };
    }

    this.secretName = secret.metadata.name;
    this.settingsName = configMap.metadata.name;
    this.secretVars = new Set(Object.keys(secrets) as SecretVar[]);
    this.settingVars = new Set(Object.keys(settings) as SettingVar[]);
    this.registerOutputs({ namespace: this.namespace, secret: this.secretName, settings: this.settingsName });
  }

  /** Env entries referencing the Secret and ConfigMap; variables this stack does not configure are left out. */
  env(...vars: (SecretVar | SettingVar)[]): EnvVar[] {
    return vars.flatMap((v): EnvVar[] => {
      if (this.secretVars.has(v as SecretVar)) {
        return [{ name: v, valueFrom: { secretKeyRef: { name: this.secretName, key: v } } }];
      }
      if (this.settingVars.has(v as SettingVar)) {
        return [{ name: v, valueFrom: { configMapKeyRef: { name: this.settingsName, key: v } } }];
      }
      return [];
    });
  }
}
