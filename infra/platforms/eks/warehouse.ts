import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { EksSettings } from "../../config.js";
import type { WarehouseFacts } from "../platform.js";
import { type DataNetwork, nodesOnlyFirewall } from "./network.js";

const REDSHIFT_PORT = 5439;
const ADMIN = "moon";

/**
 * Redshift Serverless namespace and workgroup in the private subnets, not publicly accessible,
 * reachable on 5439 only from the cluster's nodes. The aggregator gets a `redshift://` URL.
 */
export function eksWarehouse(
  name: string,
  settings: EksSettings["warehouse"] & { name: string },
  network: DataNetwork,
  opts: pulumi.ComponentResourceOptions,
): {
  host: pulumi.Output<string>;
  facts: WarehouseFacts;
  workgroup: aws.redshiftserverless.Workgroup;
  /** The admin (owner of the aggregator's tables) as a libpq URL over TLS, for one-shot grant Jobs: a secret. */
  admin: { user: string; url: pulumi.Output<string> };
} {
  const firewall = nodesOnlyFirewall(`${name}-redshift`, "Redshift", REDSHIFT_PORT, network, opts);
  // Redshift wants upper, lower and a digit; no punctuation because the password sits in a URL.
  const password = new random.RandomPassword(
    `${name}-redshift`,
    { length: 32, special: false, minUpper: 1, minLower: 1, minNumeric: 1 },
    opts,
  );
  const secretPassword = pulumi.secret(password.result);

  const namespace = new aws.redshiftserverless.Namespace(
    name,
    { namespaceName: name, dbName: settings.name, adminUsername: ADMIN, adminUserPassword: secretPassword },
    opts,
  );
  const workgroup = new aws.redshiftserverless.Workgroup(
    name,
    {
      workgroupName: name,
      namespaceName: namespace.namespaceName,
      baseCapacity: settings.baseCapacity,
      maxCapacity: settings.maxCapacity,
      port: REDSHIFT_PORT,
      publiclyAccessible: false,
      // Keep warehouse traffic (COPY/UNLOAD included) inside the VPC.
      enhancedVpcRouting: true,
      subnetIds: network.vpc.privateSubnetIds,
      securityGroupIds: [firewall.id],
    },
    opts,
  );

  const host = workgroup.endpoints.apply((endpoints) => {
    const address = endpoints[0]?.address;
    if (!address) throw new Error("Redshift Serverless workgroup reported no endpoint");
    return address;
  });
  return {
    host,
    workgroup,
    admin: {
      user: ADMIN,
      url: pulumi.secret(
        pulumi.interpolate`postgres://${ADMIN}:${secretPassword}@${host}:${REDSHIFT_PORT}/${settings.name}?sslmode=require`,
      ),
    },
    facts: {
      url: pulumi.secret(
        pulumi.interpolate`redshift://${ADMIN}:${secretPassword}@${host}:${REDSHIFT_PORT}/${settings.name}`,
      ),
      egress: { port: REDSHIFT_PORT, cidrs: [network.cidr] },
    },
  };
}
