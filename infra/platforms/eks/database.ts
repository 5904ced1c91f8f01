import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { EksSettings } from "../../config.js";
import type { DatabaseFacts } from "../platform.js";
import { type DataNetwork, nodesOnlyFirewall } from "./network.js";
import { rdsCaBundle } from "./rds-ca.js";

const MYSQL_PORT = 3306;

/**
 * RDS MySQL in the private subnets, reachable on 3306 only from the cluster's nodes, encrypted at
 * rest, TLS required by the server and verified by the clients against the region's RDS certificate
 * authorities, backups kept. The password is generated and kept a secret.
 */
export function eksDatabase(
  name: string,
  settings: EksSettings["database"] & { name: string; user: string },
  network: DataNetwork,
  opts: pulumi.ComponentResourceOptions,
): { instance: aws.rds.Instance; facts: DatabaseFacts } {
  const subnets = new aws.rds.SubnetGroup(name, { subnetIds: network.vpc.privateSubnetIds }, opts);
  const firewall = nodesOnlyFirewall(`${name}-mysql`, "MySQL", MYSQL_PORT, network, opts);
  // Encryption at rest is not enough: refuse clear-text connections on the server side too.
  const parameters = new aws.rds.ParameterGroup(
    name,
    {
      family: `mysql${settings.engineVersion}`,
      parameters: [{ name: "require_secure_transport", value: "1" }],
    },
    opts,
  );
  // Alphanumeric: RDS refuses some punctuation and the password travels inside a URL.
  const password = new random.RandomPassword(`${name}-mysql`, { length: 32, special: false }, opts);
  const secretPassword = pulumi.secret(password.result);
  // Snapshot names are unique per account and region: a constant one fails the second teardown of a
  // recreated stack. The suffix is made once per stack and kept in its state.
  const snapshotSuffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, opts);

  const instance = new aws.rds.Instance(
    name,
    {
      engine: "mysql",
      engineVersion: settings.engineVersion,
      instanceClass: settings.instanceClass,
      allocatedStorage: settings.allocatedStorageGb,
      maxAllocatedStorage: settings.maxAllocatedStorageGb,
      storageType: "gp3",
      storageEncrypted: true,
      dbName: settings.name,
      username: settings.user,
      password: secretPassword,
      port: MYSQL_PORT,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [firewall.id],
      parameterGroupName: parameters.name,
      publiclyAccessible: false,
      multiAz: settings.multiAz,
      deletionProtection: settings.deletionProtection,
      backupRetentionPeriod: settings.backupRetentionDays,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: pulumi.interpolate`${name}-final-${snapshotSuffix.hex}`,
      autoMinorVersionUpgrade: true,
    },
    opts,
  );

  return {
    instance,
    facts: {
      host: instance.address,
      port: MYSQL_PORT,
      name: settings.name,
      user: settings.user,
      password: secretPassword,
      // The endpoint's certificate is checked against the region's RDS CAs (services and aggregator
      // read them from DATABASE_CA_CERT), so a redirected connection cannot pose as the database.
      sslMode: "verify-full",
      caCert: aws.getRegionOutput({}, opts).region.apply((region) => rdsCaBundle(region)),
      egress: { port: MYSQL_PORT, cidrs: [network.cidr] },
    },
  };
}
