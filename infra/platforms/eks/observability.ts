import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import type * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";
import { podIdentityTrustPolicy } from "./pod-identity.js";

/**
 * The log groups EKS and the CloudWatch add-on would otherwise create with no expiry; created before
 * the cluster so the control plane and the agents write into groups that expire.
 */
export function eksLogGroups(
  clusterName: string,
  retentionInDays: EksSettings["logRetentionDays"],
  opts: pulumi.ComponentResourceOptions,
): aws.cloudwatch.LogGroup[] {
  const groups: Record<string, string> = {
    "control-plane": `/aws/eks/${clusterName}/cluster`,
    ...Object.fromEntries(
      ["application", "dataplane", "host", "performance"].map((kind) => [
        kind,
        `/aws/containerinsights/${clusterName}/${kind}`,
      ]),
    ),
  };
  return Object.entries(groups).map(
    ([kind, logGroupName]) =>
      new aws.cloudwatch.LogGroup(`${clusterName}-${kind}`, { name: logGroupName, retentionInDays }, opts),
  );
}

/**
 * Container logs and metrics to CloudWatch: the amazon-cloudwatch-observability add-on, its agent
 * given CloudWatch rights through EKS Pod Identity (no node-wide permissions, no OIDC provider).
 */
export function eksObservability(
  clusterName: string,
  cluster: eks.Cluster,
  nodeGroup: eks.ManagedNodeGroup,
  opts: pulumi.ComponentResourceOptions,
): aws.eks.Addon[] {
  const eksClusterName = cluster.eksCluster.name;
  const addonOpts = { ...opts, dependsOn: [nodeGroup] };
  const podIdentityAgent = new aws.eks.Addon(
    `${clusterName}-pod-identity`,
    { clusterName: eksClusterName, addonName: "eks-pod-identity-agent" },
    addonOpts,
  );

  const agentRole = new aws.iam.Role(
    `${clusterName}-cloudwatch`,
    {
      assumeRolePolicy: podIdentityTrustPolicy,
    },
    opts,
  );
  const agentPolicy = new aws.iam.RolePolicyAttachment(
    `${clusterName}-cloudwatch`,
    { role: agentRole.name, policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" },
    opts,
  );

  const observability = new aws.eks.Addon(
    `${clusterName}-cloudwatch`,
    {
      clusterName: eksClusterName,
      addonName: "amazon-cloudwatch-observability",
      podIdentityAssociations: [{ roleArn: agentRole.arn, serviceAccount: "cloudwatch-agent" }],
    },
    { ...opts, dependsOn: [nodeGroup, podIdentityAgent, agentPolicy] },
  );
  return [podIdentityAgent, observability];
}
