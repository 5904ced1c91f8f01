import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The warehouse's read-only user on MySQL and PostgreSQL (Redshift's is named after Grafana's IAM role). */
export const readerUser = "warehouse_reader";

export const readerLabels = {
  "app.kubernetes.io/name": "warehouse-reader",
  "app.kubernetes.io/part-of": "moon-agent-tracker",
};

/** Database clients for one-shot Jobs: the image and the non-root user it runs as in that image. */
export const clients = {
  /** The official postgres image's `postgres` user in its Alpine variant; its psql also speaks to Redshift. */
  psql: (postgresVersion: string) => ({ image: `postgres:${postgresVersion}-alpine`, uid: 70 }),
  /** The official mysql image's `mysql` user. */
  mysql: (image: string) => ({ image, uid: 999 }),
};

/** Where the grant script (and the server's CA, `ca.pem`) are mounted in the Job's container. */
export const readerScript = "/sql/reader.sql";
export const readerCaFile = "/sql/ca.pem";

export interface ReaderGrantsArgs {
  /** An existing namespace the one-shot Job may run in (restricted pod security is fine). */
  namespace: pulumi.Input<string>;
  /** The database client's image, and the user it runs as in that image. */
  image: string;
  uid: number;
  /** The client, reading `readerScript` and the connection from the environment. */
  command: string[];
  /** Connection settings and credentials: they go in the Job's Secret, never in its spec. */
  env: Record<string, pulumi.Input<string>>;
  /** The SQL (with psql meta-commands where the client is psql); may hold a password, so it is a Secret too. */
  script: pulumi.Input<string>;
  /** The server's CA certificate, mounted beside the script as `ca.pem` for clients that verify it. */
  caCert?: pulumi.Input<string>;
}

/**
 * Grafana gets a user that may only read the warehouse (Grafana runs whatever SQL a dashboard editor
 * types). Creating and granting it takes SQL as a privileged user, so a one-shot Job runs the script
 * with credentials from a Secret; every statement is idempotent, and the workloads wait for it. Changing
 * the script replaces the Job, which runs it again.
 */
export function warehouseReaderGrants(
  args: ReaderGrantsArgs,
  opts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
): k8s.batch.v1.Job {
  const secret = new k8s.core.v1.Secret(
    "warehouse-reader",
    {
      metadata: { name: "warehouse-reader", namespace: args.namespace, labels: readerLabels },
      stringData: pulumi.secret({
        ...args.env,
        "reader.sql": args.script,
        ...(args.caCert === undefined ? {} : { "ca.pem": args.caCert }),
      }),
    },
    opts,
  );
  return new k8s.batch.v1.Job(
    "warehouse-reader",
    {
      metadata: { name: "warehouse-reader", namespace: args.namespace, labels: readerLabels },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 900,
        template: {
          metadata: { labels: readerLabels },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: args.uid,
              runAsGroup: args.uid,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "grant",
                image: args.image,
                command: args.command,
                env: Object.keys(args.env).map((name) => ({
                  name,
                  valueFrom: { secretKeyRef: { name: secret.metadata.name, key: name } },
                })),
                volumeMounts: [{ name: "sql", mountPath: "/sql", readOnly: true }],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
            volumes: [
              {
                name: "sql",
                secret: {
                  secretName: secret.metadata.name,
                  items: ["reader.sql", ...(args.caCert === undefined ? [] : ["ca.pem"])].map((key) => ({
                    key,
                    path: key,
                  })),
                },
              },
            ],
          },
        },
      },
    },
    // A Job's pod template cannot change in place; its fixed name means the old one goes first.
    { ...opts, dependsOn: [...opts.dependsOn, secret], deleteBeforeReplace: true },
  );
}

/**
 * MySQL: read-only on the warehouse database and nothing else (DigitalOcean gives a new user doadmin's
 * rights). With a password the user is created here too (the local MySQL); otherwise it exists already.
 */
export function mysqlReaderScript(database: string, password?: string): string {
  const account = `'${readerUser}'@'%'`;
  const create =
    password === undefined
      ? []
      : [
          `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY '${password}';`,
          `ALTER USER ${account} IDENTIFIED BY '${password}';`,
        ];
  return [
    ...create,
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account};`,
    `GRANT SELECT ON \`${database}\`.* TO ${account};`,
    "",
  ].join("\n");
}

/**
 * PostgreSQL and Redshift: SELECT on what exists in `public` and on every table `owner` creates later
 * (the aggregator creates its tables on its first run, after this Job). PostgreSQL's `public` already
 * grants USAGE to everyone; on Redshift the admin grants it.
 */
export function selectGrants(user: string, o: { owner: string; schemaUsage: boolean }): string {
  return [
    ...(o.schemaUsage ? [`GRANT USAGE ON SCHEMA public TO "${user}";`] : []),
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "${user}";`,
    `ALTER DEFAULT PRIVILEGES FOR USER "${o.owner}" IN SCHEMA public GRANT SELECT ON TABLES TO "${user}";`,
    "",
  ].join("\n");
}

/**
 * Redshift: Grafana queries through the Data API as its IAM role, which Redshift Serverless maps to the
 * database user `IAMR:<role name>`, created on first use. It is created here first (psql's \if makes
 * that idempotent) so the grants have someone to go to, as the admin that owns the tables.
 */
export function redshiftReaderScript(user: string, owner: string): string {
  return [
    `SELECT COUNT(*) = 0 AS missing FROM pg_user WHERE usename = '${user}' \\gset`,
    "\\if :missing",
    `CREATE USER "${user}" PASSWORD DISABLE;`,
    "\\endif",
    selectGrants(user, { owner, schemaUsage: true }),
  ].join("\n");
}
