import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { RedshiftWarehouseReader } from "../platform.js";
import { clients, readerScript, redshiftReaderScript, warehouseReaderGrants } from "../warehouse-reader.js";
import { podIdentityTrustPolicy } from "./pod-identity.js";

export interface EksReaderArgs {
  clusterName: string;
  /** The EKS cluster's own name (the Pod Identity association's). */
  eksClusterName: pulumi.Input<string>;
  workgroup: aws.redshiftserverless.Workgroup;
  database: string;
  admin: { user: string; url: pulumi.Output<string> };
  /** Grafana's service account, when the program installs Grafana (its name is then known). */
  grafana?: { namespace: string; serviceAccount: string };
  /** The set-up namespace the grant Job runs in. */
  namespace: pulumi.Input<string>;
}

/**
 * Grafana reads Redshift Serverless through the Redshift Data API as an IAM role of its own, given to
 * its service account by EKS Pod Identity (the agent is installed for CloudWatch already): no password
 * anywhere, credentials that rotate themselves, and a role that may only run statements in this
 * workgroup. Redshift maps the role to the database user `IAMR:<role name>`; a one-shot Job, as the admin
 * that owns the aggregator's tables, creates that user and grants it SELECT, and nothing more.
 */
export function eksWarehouseReader(
  args: EksReaderArgs,
  awsOpts: pulumi.ComponentResourceOptions & { dependsOn: pulumi.Resource[] },
  k8sOpts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
): { reader: RedshiftWarehouseReader; role: aws.iam.Role; dependsOn: pulumi.Resource[] } {
  const name = `${args.clusterName}-grafana`;
  const role = new aws.iam.Role(
    name,
    {
      description: "Grafana reads the warehouse (Redshift Data API), through EKS Pod Identity",
      assumeRolePolicy: podIdentityTrustPolicy,
    },
    awsOpts,
  );
  // The plugin's documented minimum, less Secrets Manager and provisioned clusters, scoped to the workgroup
  // where the action allows it; statements are only ever the role's own.
  new aws.iam.RolePolicy(
    name,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "redshift-serverless:GetCredentials",
              "redshift-data:ExecuteStatement",
              "redshift-data:ListSchemas",
              "redshift-data:ListTables",
              "redshift-data:DescribeTable",
            ],
            Resource: args.workgroup.arn,
          },
          {
            Effect: "Allow",
            Action: [
              "redshift-data:DescribeStatement",
              "redshift-data:GetStatementResult",
              "redshift-data:CancelStatement",
              "redshift-data:ListStatements",
            ],
            Resource: "*",
            // An IAM policy variable, resolved by AWS: the caller's own user id.
            // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM's syntax, not JavaScript's.
            Condition: { StringEquals: { "redshift-data:statement-owner-iam-userid": "${aws:userid}" } },
          },
          { Effect: "Allow", Action: ["redshift-serverless:ListWorkgroups"], Resource: "*" },
        ],
      }),
    },
    awsOpts,
  );
  // Pod Identity hands out credentials to pods created after the association: Grafana waits for it.
  const association = args.grafana
    ? [
        new aws.eks.PodIdentityAssociation(
          name,
          {
            clusterName: args.eksClusterName,
            namespace: args.grafana.namespace,
            serviceAccount: args.grafana.serviceAccount,
            roleArn: role.arn,
          },
          awsOpts,
        ),
      ]
    : [];

  const job: k8s.batch.v1.Job = warehouseReaderGrants(
    {
      namespace: args.namespace,
      ...clients.psql("17"),
      command: ["psql", "-v", "ON_ERROR_STOP=1", "-f", readerScript, "$(ADMIN_URL)"],
      env: { ADMIN_URL: args.admin.url },
      script: role.name.apply((roleName) => redshiftReaderScript(`IAMR:${roleName}`, args.admin.user)),
    },
    k8sOpts,
  );

  return {
    reader: {
      engine: "redshift",
      region: aws.getRegionOutput({}, { parent: awsOpts.parent }).region,
      workgroupName: args.workgroup.workgroupName,
      database: args.database,
    },
    role,
    dependsOn: [...association, job],
  };
}
