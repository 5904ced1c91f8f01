import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";

export interface EksCluster {
  cluster: eks.Cluster;
  nodeGroup: eks.ManagedNodeGroup;
  /** CoreDNS, kube-proxy and metrics-server as EKS add-ons. */
  addons: aws.eks.Addon[];
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
  identity: EksIdentity,
  opts: pulumi.ComponentResourceOptions,
): EksCluster {
  // The creator is cluster admin already; an entry of its own would collide with EKS's.
  const admins = settings.adminPrincipalArns.filter((arn) => arn !== identity.callerArn);
  const cluster = new eks.Cluster(
    clusterName,
    {
      name: clusterName,
      version: identity.version,
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
      // Extended support costs six times the standard hourly rate: upgrade instead (README: upgrading).
      upgradePolicy: { supportType: "STANDARD" },
      // With no default node group pulumi-eks leaves CoreDNS and kube-proxy self-managed (never
      // upgraded); they are EKS add-ons below instead.
      corednsAddonOptions: { enabled: false },
      kubeProxyAddonOptions: { enabled: false },
      // The VPC CNI enforces NetworkPolicies only when asked; without this the deny-by-default
      // policies of infra/k8s would be accepted and silently ignored.
      useDefaultVpcCni: false,
      vpcCniOptions: { enableNetworkPolicy: true },
      accessEntries: Object.fromEntries(
        admins.map((principalArn, i) => [
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

  const addons = ["coredns", "kube-proxy", "metrics-server"].map((addonName) =>
    clusterAddon(clusterName, cluster, identity.version, addonName, { ...opts, dependsOn: [nodeGroup] }),
  );

  const kubeconfig = pulumi.secret(cluster.kubeconfigJson);
  // The cluster's ARN identifies it: a kubeconfig that is unknown at preview (the cluster changing)
  // no longer plans a replacement of every Kubernetes object.
  const provider = new k8s.Provider(clusterName, { kubeconfig, clusterIdentifier: cluster.eksCluster.arn }, opts);
  return { cluster, nodeGroup, addons, nodeSecurityGroupId: cluster.clusterSecurityGroupId, kubeconfig, provider };
}

/** What the program looked up before building the cluster (./lookups.ts). */
export interface EksIdentity {
  /** The principal running the program, as an access entry would name it. */
  callerArn: string;
  /** Control-plane minor version to ask for. */
  version: string;
}

/**
 * An EKS add-on at the newest build for the cluster's version, so a version bump upgrades it too.
 * It takes over (OVERWRITE) the self-managed copy EKS bootstrapped; later edits in the cluster are kept.
 */
function clusterAddon(
  clusterName: string,
  cluster: eks.Cluster,
  kubernetesVersion: string,
  addonName: string,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
  const release = aws.eks.getAddonVersionOutput(
    { addonName, kubernetesVersion, mostRecent: true },
    { parent: opts.parent },
  );
  return new aws.eks.Addon(
    `${clusterName}-${addonName}`,
    {
      clusterName: cluster.eksCluster.name,
      addonName,
      addonVersion: release.version,
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "PRESERVE",
    },
    opts,
  );
}
