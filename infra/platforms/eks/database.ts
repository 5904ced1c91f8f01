import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { EksSettings } from "../../config.js";
import type { DatabaseFacts } from "../platform.js";

const MYSQL_PORT = 3306;

/**
 * RDS MySQL in the private subnets, reachable on 3306 only from the cluster's nodes, encrypted at
 * rest, TLS required by the server, backups kept. The password is generated and kept a secret.
 */
export function eksDatabase(
  name: string,
  settings: EksSettings["database"] & { name: string; user: string },
  network: { vpc: awsx.ec2.Vpc; cidr: string; nodeSecurityGroupId: pulumi.Input<string> },
  opts: pulumi.ComponentResourceOptions,
): { instance: aws.rds.Instance; facts: DatabaseFacts } {
  const subnets = new aws.rds.SubnetGroup(name, { subnetIds: network.vpc.privateSubnetIds }, opts);
  const firewall = new aws.ec2.SecurityGroup(
    `${name}-mysql`,
    {
      vpcId: network.vpc.vpcId,
      description: "MySQL from the EKS nodes only",
      ingress: [
        { protocol: "tcp", fromPort: MYSQL_PORT, toPort: MYSQL_PORT, securityGroups: [network.nodeSecurityGroupId], description: "EKS nodes" },
      ],
    },
    opts,
  );
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
      finalSnapshotIdentifier: `${name}-final`,
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
      // Encrypted; the RDS CA bundle is not shipped with the image, so the certificate is not verified.
      sslMode: "require",
      egress: { port: MYSQL_PORT, cidrs: [network.cidr] },
    },
  };
}
