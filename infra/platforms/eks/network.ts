import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import type * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";

/**
 * VPC over `availabilityZones` AZs: public subnets hold only the load balancers, private subnets the
 * nodes, RDS and Redshift. The role tags let the cloud controller place the gateway's NLB.
 */
export function eksNetwork(
  clusterName: string,
  settings: EksSettings["network"],
  opts: pulumi.ComponentResourceOptions,
): awsx.ec2.Vpc {
  const clusterTag = { [`kubernetes.io/cluster/${clusterName}`]: "shared" };
  return new awsx.ec2.Vpc(
    clusterName,
    {
      cidrBlock: settings.cidr,
      numberOfAvailabilityZones: settings.availabilityZones,
      enableDnsHostnames: true,
      // One NAT gateway per AZ survives an AZ outage; a single one is the cost knob.
      natGateways: { strategy: settings.natGateways },
      subnetStrategy: "Auto",
      subnetSpecs: [
        // Pods take VPC addresses (VPC CNI), so the private subnets get the room.
        { type: "Private", cidrMask: 19, tags: { ...clusterTag, "kubernetes.io/role/internal-elb": "1" } },
        { type: "Public", cidrMask: 24, tags: { ...clusterTag, "kubernetes.io/role/elb": "1" } },
      ],
    },
    opts,
  );
}

/** Where a data store sits and who may reach it: the VPC, its CIDR and the EKS nodes' security group. */
export interface DataNetwork {
  vpc: awsx.ec2.Vpc;
  cidr: string;
  nodeSecurityGroupId: pulumi.Input<string>;
}

/** A security group admitting `port` from the EKS nodes and nothing else. */
export function nodesOnlyFirewall(
  name: string,
  what: string,
  port: number,
  network: DataNetwork,
  opts: pulumi.ComponentResourceOptions,
): aws.ec2.SecurityGroup {
  return new aws.ec2.SecurityGroup(
    name,
    {
      vpcId: network.vpc.vpcId,
      description: `${what} from the EKS nodes only`,
      ingress: [
        {
          protocol: "tcp",
          fromPort: port,
          toPort: port,
          securityGroups: [network.nodeSecurityGroupId],
          description: "EKS nodes",
        },
      ],
    },
    opts,
  );
}
