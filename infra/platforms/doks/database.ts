import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import type { DoksSettings } from "../../config.js";
import type { DatabaseFacts, WarehouseFacts } from "../platform.js";

/** Every DigitalOcean managed database listens here (25061 is the PostgreSQL pooler, unused). */
const DO_DATABASE_PORT = 25060;

interface Placement {
  name: string;
  settings: DoksSettings;
  vpc: digitalocean.Vpc;
  cluster: digitalocean.KubernetesCluster;
  opts: pulumi.ComponentResourceOptions;
}

/**
 * A managed database cluster on the VPC with one database and one user, and a firewall whose only
 * rule is the Kubernetes cluster: nothing else, the internet included, can open a connection.
 */
function managedDatabase(
  { name, settings, vpc, cluster, opts }: Placement,
  engine: { engine: "mysql" | "pg"; version: string; size: string; nodeCount: number },
  database: { name: string; user: string },
) {
  const server = new digitalocean.DatabaseCluster(
    name,
    {
      ...engine,
      region: settings.region,
      privateNetworkUuid: vpc.id,
      maintenanceWindows: [{ day: settings.maintenance.day, hour: settings.maintenance.startTime }],
    },
    opts,
  );
  const db = new digitalocean.DatabaseDb(name, { clusterId: server.id, name: database.name }, opts);
  const user = new digitalocean.DatabaseUser(name, { clusterId: server.id, name: database.user }, opts);
  new digitalocean.DatabaseFirewall(name, { clusterId: server.id, rules: [{ type: "k8s", value: cluster.id }] }, opts);
  // DigitalOcean generates the password; it is encoded here because it travels inside URLs.
  return {
    server,
    db,
    user,
    password: pulumi.secret(user.password),
    urlPassword: pulumi.secret(user.password.apply(encodeURIComponent)),
  };
}

/** The application's MySQL 8; services verify its certificate against the cluster's own CA. */
export function doksDatabase(placement: Placement, names: { name: string; user: string }) {
  const { settings } = placement;
  const mysql = managedDatabase(
    placement,
    { engine: "mysql", version: "8", size: settings.database.size, nodeCount: settings.database.nodeCount },
    names,
  );
  const ca = digitalocean.getDatabaseCaOutput({ clusterId: mysql.server.id }, { parent: placement.opts.parent });
  const facts: DatabaseFacts = {
    host: mysql.server.privateHost,
    port: mysql.server.port,
    name: mysql.db.name,
    user: mysql.user.name,
    password: mysql.password,
    sslMode: "verify-full",
    caCert: ca.certificate,
    egress: { port: DO_DATABASE_PORT, cidrs: [settings.vpcCidr] },
  };
  return { mysql, facts };
}

export interface WarehouseStore {
  engine: "mysql" | "postgres";
  server: digitalocean.DatabaseCluster;
  database: pulumi.Output<string>;
  owner: pulumi.Output<string>;
  ownerPassword: pulumi.Output<string>;
}

/**
 * The warehouse: by default a second database on the application's MySQL (`mysql://`), or its own
 * managed PostgreSQL (`postgres://`). TLS is required either way.
 */
export function doksWarehouse(
  placement: Placement,
  mysql: ReturnType<typeof doksDatabase>["mysql"],
  names: { name: string; user: string },
): {
  host: pulumi.Output<string>;
  facts: WarehouseFacts;
  /** Where the warehouse lives: the server, its database and the user that owns the tables. */
  store: WarehouseStore;
  /** Its own PostgreSQL: the server, database and user the grants are for. */
  pg?: { server: digitalocean.DatabaseCluster; database: pulumi.Output<string>; user: pulumi.Output<string> };
} {
  const { settings } = placement;
  const egress = { port: DO_DATABASE_PORT, cidrs: [settings.vpcCidr] };
  if (settings.warehouse.engine === "mysql") {
    const db = new digitalocean.DatabaseDb(
      `${placement.name}-warehouse`,
      { clusterId: mysql.server.id, name: names.name },
      placement.opts,
    );
    const { server, user, urlPassword } = mysql;
    return {
      host: server.privateHost,
      store: { engine: "mysql", server, database: db.name, owner: user.name, ownerPassword: mysql.password },
      facts: {
        url: pulumi.secret(
          pulumi.interpolate`mysql://${user.name}:${urlPassword}@${server.privateHost}:${server.port}/${db.name}?sslmode=require`,
        ),
        egress,
      },
    };
  }
  const pg = managedDatabase(
    { ...placement, name: `${placement.name}-warehouse` },
    { engine: "pg", version: settings.warehouse.postgresVersion, size: settings.warehouse.size, nodeCount: 1 },
    names,
  );
  const { server, db, user, urlPassword } = pg;
  return {
    host: server.privateHost,
    store: { engine: "postgres", server, database: db.name, owner: user.name, ownerPassword: pg.password },
    pg: { server, database: db.name, user: user.name },
    facts: {
      url: pulumi.secret(
        pulumi.interpolate`postgres://${user.name}:${urlPassword}@${server.privateHost}:${server.port}/${db.name}?sslmode=require`,
      ),
      egress,
    },
  };
}
