import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";

export interface EksCluster {
  cluster: eks.Cluster;
  nodeGroup: eks.ManagedNodeGroup;
  /** The EKS-created security group every managed node (and so every pod) carries. */
  nodeSecurityGroupId: pulumi.Output<string>;
  /** Kubeconfig for the program and operators; a secret so it never appears in plain stack output. */
  kubeconfig: pulumi.Output<string>;
  provider: k8s.Provider;
}

const nodePolicies = {
  worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  cni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  ecrRead: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
};

/**
 * EKS with API (access entry) authentication, control-plane logs and one managed node group in the
 * private subnets. Managed nodes use the security group EKS creates, so the component's default
 * groups (meant for self-managed nodes) are skipped and that group is what the databases trust.
 */
export function eksCluster(
  clusterName: string,
  settings: EksSettings,
  vpc: awsx.ec2.Vpc,
  opts: pulumi.ComponentResourceOptions,
): EksCluster {
  const cluster = new eks.Cluster(
    clusterName,
    {
      name: clusterName,
      version: settings.kubernetesVersion,
      vpcId: vpc.vpcId,
      publicSubnetIds: vpc.publicSubnetIds,
      privateSubnetIds: vpc.privateSubnetIds,
      authenticationMode: eks.AuthenticationMode.Api,
      skipDefaultNodeGroup: true,
      skipDefaultSecurityGroups: true,
      enabledClusterLogTypes: settings.controlPlaneLogs,
      // Nodes reach the API inside the VPC; operators and Pulumi from the allowed CIDRs.
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: settings.apiAllowedCidrs,
      // Extended support costs six times the standard hourly rate: upgrade instead.
      upgradePolicy: { supportType: "STANDARD" },
      // The VPC CNI enforces NetworkPolicies only when asked; without this the deny-by-default
      // policies of infra/k8s would be accepted and silently ignored.
      useDefaultVpcCni: false,
      vpcCniOptions: { enableNetworkPolicy: true },
      accessEntries: Object.fromEntries(
        settings.adminPrincipalArns.map((principalArn, i) => [
          `admin-${i + 1}`,
          {
            principalArn,
            accessPolicies: {
              admin: {
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
              },
            },
          },
        ]),
      ),
    },
    opts,
  );

  const nodeRole = new aws.iam.Role(
    `${clusterName}-nodes`,
    { assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }) },
    opts,
  );
  const attachments = Object.entries(nodePolicies).map(
    ([key, policyArn]) =>
      new aws.iam.RolePolicyAttachment(`${clusterName}-nodes-${key}`, { role: nodeRole.name, policyArn }, opts),
  );

  const nodeGroup = new eks.ManagedNodeGroup(
    `${clusterName}-nodes`,
    {
      cluster,
      nodeRole,
      // Private subnets only: nodes get no public address and leave through the NAT gateway.
      subnetIds: vpc.privateSubnetIds,
      instanceTypes: [settings.nodes.instanceType],
      scalingConfig: {
        minSize: settings.nodes.minSize,
        desiredSize: settings.nodes.desiredSize,
        maxSize: settings.nodes.maxSize,
      },
      operatingSystem: eks.OperatingSystem.AL2023,
      enableIMDSv2: true,
    },
    { ...opts, dependsOn: attachments },
  );

  const kubeconfig = pulumi.secret(cluster.kubeconfigJson);
  const provider = new k8s.Provider(clusterName, { kubeconfig }, opts);
  return { cluster, nodeGroup, nodeSecurityGroupId: cluster.clusterSecurityGroupId, kubeconfig, provider };
}
