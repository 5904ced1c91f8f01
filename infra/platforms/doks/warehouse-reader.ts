import * as digitalocean from "@pulumi/digitalocean";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { SqlWarehouseReader } from "../platform.js";
import {
  clients,
  mysqlReaderScript,
  readerCaFile,
  readerScript,
  readerUser,
  selectGrants,
  warehouseReaderGrants,
} from "../warehouse-reader.js";
import type { WarehouseStore } from "./database.js";

export interface DoksReaderArgs {
  name: string;
  store: WarehouseStore;
  /** The set-up namespace the grant Job runs in. */
  namespace: pulumi.Input<string>;
  postgresVersion: string;
}

/**
 * Grafana's read-only warehouse user on DigitalOcean: a DatabaseUser (DigitalOcean generates and keeps
 * its password), then a one-shot grant Job. MySQL: as doadmin, revoke the doadmin-like rights a new
 * user gets and grant SELECT on the warehouse. PostgreSQL: a new user may read nothing, so the tables'
 * owner grants SELECT on its tables, present and future. The database firewall admits the whole
 * cluster, Grafana's pods included.
 */
export function doksWarehouseReader(
  { name, store, namespace, postgresVersion }: DoksReaderArgs,
  doOpts: pulumi.CustomResourceOptions,
  k8sOpts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
): { reader: SqlWarehouseReader; job: k8s.batch.v1.Job } {
  const { server } = store;
  const user = new digitalocean.DatabaseUser(`${name}-reader`, { clusterId: server.id, name: readerUser }, doOpts);
  const ca = digitalocean.getDatabaseCaOutput({ clusterId: server.id }, { parent: doOpts.parent });
  const jobOpts = { ...k8sOpts, dependsOn: [...k8sOpts.dependsOn, user] };

  const job =
    store.engine === "mysql"
      ? warehouseReaderGrants(
          {
            namespace,
            ...clients.mysql("mysql:8.4"),
            command: [
              "mysql",
              "--host=$(DB_HOST)",
              "--port=$(DB_PORT)",
              "--user=$(DB_USER)",
              "--ssl-mode=VERIFY_IDENTITY",
              `--ssl-ca=${readerCaFile}`,
              `--execute=source ${readerScript}`,
            ],
            env: {
              DB_HOST: server.privateHost,
              DB_PORT: server.port.apply(String),
              DB_USER: server.user,
              MYSQL_PWD: server.password,
            },
            script: store.database.apply((database) => mysqlReaderScript(database)),
            caCert: ca.certificate,
          },
          jobOpts,
        )
      : warehouseReaderGrants(
          {
            namespace,
            ...clients.psql(postgresVersion),
            command: ["psql", "-v", "ON_ERROR_STOP=1", "-f", readerScript, "$(OWNER_URL)"],
            env: {
              OWNER_URL: pulumi.interpolate`postgres://${store.owner}:${store.ownerPassword.apply(encodeURIComponent)}@${server.privateHost}:${server.port}/${store.database}?sslmode=verify-full&sslrootcert=${readerCaFile}`,
            },
            script: pulumi
              .all([user.name, store.owner])
              .apply(([reader, owner]) => selectGrants(reader, { owner, schemaUsage: false })),
            caCert: ca.certificate,
          },
          jobOpts,
        );

  return {
    reader: {
      engine: store.engine,
      host: server.privateHost,
      port: server.port,
      database: store.database,
      user: user.name,
      password: pulumi.secret(user.password),
      tls: "verify-full",
      caCert: ca.certificate,
    },
    job,
  };
}
