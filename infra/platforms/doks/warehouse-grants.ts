import type * as digitalocean from "@pulumi/digitalocean";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { clients } from "../warehouse-reader.js";

export interface WarehouseGrantsArgs {
  /** Namespace for the one-shot Job (setupNamespace: the app's does not exist yet when the platform is built). */
  namespace: pulumi.Input<string>;
  server: digitalocean.DatabaseCluster;
  database: pulumi.Input<string>;
  user: pulumi.Input<string>;
  postgresVersion: string;
}

/**
 * A new DigitalOcean PostgreSQL user gets minimal rights, and from PostgreSQL 15 only the owner of
 * schema `public` may create in it: the aggregator could not create its tables. Once, as the admin
 * user (`doadmin`, whose password stays in a Secret), grant the warehouse user CREATE and USAGE on
 * `public`. The Job is named after the user, so it runs again only if the user changes; the
 * workloads wait for it.
 */
export function warehouseGrants(args: WarehouseGrantsArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.Job {
  const labels = { "app.kubernetes.io/name": "warehouse-grants", "app.kubernetes.io/part-of": "moon-agent-tracker" };
  const { server } = args;
  const adminUrl = pulumi.secret(
    pulumi.interpolate`postgres://${server.user}:${server.password.apply(encodeURIComponent)}@${server.privateHost}:${server.port}/${args.database}?sslmode=require`,
  );
  const secret = new k8s.core.v1.Secret(
    "warehouse-admin",
    {
      metadata: { name: "warehouse-admin", namespace: args.namespace, labels },
      stringData: { ADMIN_URL: adminUrl },
    },
    opts,
  );
  const grant = pulumi.interpolate`GRANT CREATE, USAGE ON SCHEMA public TO "${args.user}"`;
  return new k8s.batch.v1.Job(
    "warehouse-grants",
    {
      metadata: {
        name: pulumi.interpolate`warehouse-grants-${args.user}`,
        namespace: args.namespace,
        labels,
      },
      spec: {
        backoffLimit: 4,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: clients.psql(args.postgresVersion).uid,
              runAsGroup: clients.psql(args.postgresVersion).uid,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "grant",
                // The client of the server's own major version.
                image: clients.psql(args.postgresVersion).image,
                command: ["psql", "-v", "ON_ERROR_STOP=1", "$(ADMIN_URL)", "-c", grant],
                env: [
                  { name: "ADMIN_URL", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "ADMIN_URL" } } },
                ],
                resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
          },
        },
      },
    },
    opts,
  );
}
