import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The IAM principal running this program, as an access entry names it: an assumed-role session maps
 * to its role's ARN. EKS already gives the cluster's creator an admin access entry (pulumi-eks always
 * bootstraps it), so a second entry for the same principal fails with 409 ResourceInUseException.
 */
export async function callerPrincipalArn(): Promise<string> {
  const caller = await aws.getCallerIdentity({});
  const session = await aws.iam.getSessionContext({ arn: caller.arn });
  return session.issuerArn;
}

/**
 * The control plane's live minor version when the cluster already exists; undefined before the first `up`.
 * With STANDARD support AWS upgrades a cluster itself when its version leaves standard support; from
 * then on the configured version would read as a downgrade, which EKS refuses.
 */
export async function liveClusterVersion(clusterName: string): Promise<string | undefined> {
  const { names } = await aws.eks.getClusters({});
  if (!names?.includes(clusterName)) return undefined;
  return (await aws.eks.getCluster({ name: clusterName })).version;
}

const minor = (version: string) => Number(version.split(".")[1]);

/** The version to ask for: the configured one, unless AWS has already moved the cluster past it. */
export function clusterVersion(configured: string, live: string | undefined): string {
  if (live === undefined || minor(live) <= minor(configured)) return configured;
  pulumi.log.warn(
    `EKS upgraded the control plane to ${live} (end of standard support); keeping ${live}. ` +
      `Set moon-agent-tracker:eks.kubernetesVersion to ${live} to make the stack file say so.`,
  );
  return live;
}
