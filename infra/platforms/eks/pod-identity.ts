/**
 * Trust policy of an IAM role that pods take on through EKS Pod Identity (the agent add-on in
 * observability.ts): the CloudWatch agent's role and Grafana's warehouse reader both use it.
 */
export const podIdentityTrustPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
    },
  ],
});
