import type * as pulumi from "@pulumi/pulumi";

type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockCallArgs = pulumi.runtime.MockCallArgs;

/**
 * Outputs a real provider would compute, by resource type. Mocks echo inputs back as outputs; anything a
 * provider invents (passwords, endpoints, kubeconfigs, subnet ids) comes back undefined unless listed
 * here. Add a row when a platform reads such an output.
 */
export const fakeOutputs: Record<string, (args: MockResourceArgs) => Record<string, unknown>> = {
  "random:index/randomPassword:RandomPassword": ({ name }) => ({ result: `fake-password-${name}` }),
  "kubernetes:helm.sh/v3:Release": ({ name, inputs }) => ({
    status: { name, namespace: inputs.namespace, status: "deployed", version: inputs.version },
  }),
  // Envoy Gateway's report once the proxies' load balancer exists (an NLB hostname on EKS, an IP on DO).
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": () => ({
    status: { addresses: [{ type: "Hostname", value: "gateway.lb.fake" }] },
  }),
  "random:index/randomId:RandomId": ({ name }) => ({ hex: `${name.length.toString(16).padStart(8, "0")}` }),
  "random:index/randomString:RandomString": ({ inputs }) => ({ result: "x".repeat(Number(inputs.length ?? 8)) }),
  // eks: remote components are single resources here; these are the outputs the platform reads.
  "awsx:ec2:Vpc": ({ name }) => ({
    vpcId: `${name}-vpc-id`,
    privateSubnetIds: [1, 2, 3].map((i) => `${name}-private-${i}`),
    publicSubnetIds: [1, 2, 3].map((i) => `${name}-public-${i}`),
  }),
  "eks:index:Cluster": ({ name, inputs }) => ({
    kubeconfigJson: JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name, cluster: { server: `https://${name}.eks.fake` } }],
    }),
    clusterSecurityGroupId: `${name}-cluster-sg`,
    eksCluster: {
      name: inputs.name ?? name,
      arn: `arn:aws:eks:ap-southeast-1:123456789012:cluster/${inputs.name ?? name}`,
    },
  }),
  // AWS adds a random suffix to an unnamed role's resource name; here the name stays as it is.
  "aws:iam/role:Role": ({ name, inputs }) => {
    const roleName = String(inputs.name ?? name);
    return { name: roleName, arn: `arn:aws:iam::123456789012:role/${roleName}` };
  },
  "aws:ecr/repository:Repository": ({ inputs }) => ({
    repositoryUrl: `123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/${inputs.name}`,
  }),
  "aws:rds/instance:Instance": ({ name }) => ({ address: `${name}.rds.fake`, endpoint: `${name}.rds.fake:3306` }),
  "aws:redshiftserverless/workgroup:Workgroup": ({ name }) => ({
    arn: `arn:aws:redshift-serverless:ap-southeast-1:123456789012:workgroup/${name}-0000`,
    endpoints: [{ address: `${name}.redshift-serverless.fake`, port: 5439, vpcEndpoints: [] }],
  }),
  // doks
  "digitalocean:index/kubernetesCluster:KubernetesCluster": ({ name }) => ({
    name,
    endpoint: `https://${name}.k8s.ondigitalocean.fake`,
    kubeConfigs: [{ clusterCaCertificate: "ZmFrZS1jYQ==", token: `fake-token-${name}` }],
  }),
  "digitalocean:index/containerRegistry:ContainerRegistry": ({ inputs }) => ({
    endpoint: `registry.digitalocean.com/${inputs.name}`,
    serverUrl: "registry.digitalocean.com",
  }),
  "digitalocean:index/containerRegistryDockerCredentials:ContainerRegistryDockerCredentials": ({ inputs }) => ({
    dockerCredentials: JSON.stringify({
      auths: { "registry.digitalocean.com": { auth: `fake-${inputs.registryName}` } },
    }),
  }),
  "digitalocean:index/databaseCluster:DatabaseCluster": ({ name }) => ({
    user: "doadmin",
    password: `fake-admin-password-${name}`,
    host: `${name}.db.fake`,
    privateHost: `private-${name}.db.fake`,
    port: 25060,
  }),
  "digitalocean:index/databaseUser:DatabaseUser": ({ name }) => ({ password: `fake-password-${name}` }),
};

/** Results of provider functions (data sources), by token; unlisted calls return their inputs. */
export const fakeCalls: Record<string, (args: MockCallArgs) => Record<string, unknown>> = {
  // Whoever runs the program: a CI role's session, as GitHub's OIDC login gives it.
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: "123456789012",
    arn: "arn:aws:sts::123456789012:assumed-role/pulumi-deployer/ci-session",
    userId: "AROAFAKE:ci-session",
  }),
  // As AWS does: an assumed-role session maps to its role, anything else to itself.
  "aws:iam/getSessionContext:getSessionContext": ({ inputs }) => {
    const session = /^arn:aws:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(String(inputs.arn));
    return { arn: inputs.arn, issuerArn: session ? `arn:aws:iam::${session[1]}:role/${session[2]}` : inputs.arn };
  },
  "aws:index/getRegion:getRegion": () => ({ id: "ap-southeast-1", name: "ap-southeast-1", region: "ap-southeast-1" }),
  // No cluster yet (a first `up`), unless a test says otherwise.
  "aws:eks/getClusters:getClusters": () => ({ names: [] }),
  "aws:eks/getAddonVersion:getAddonVersion": ({ inputs }) => ({
    ...inputs,
    version: `v0.0.0-eksbuild.1-${inputs.addonName}-${inputs.kubernetesVersion}`,
  }),
  "digitalocean:index/getKubernetesVersions:getKubernetesVersions": ({ inputs }) => ({
    latestVersion: `${inputs.versionPrefix ?? "1.35."}4-do.0`,
  }),
  "digitalocean:index/getDatabaseCa:getDatabaseCa": () => ({
    certificate: "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n",
  }),
};

/** Ids that read like the real ones: Kubernetes objects are `namespace/name`. */
export function fakeId({ type, name, inputs }: MockResourceArgs): string {
  const metadata = inputs.metadata as { name?: string; namespace?: string } | undefined;
  if (type.startsWith("kubernetes:") && metadata?.name) {
    return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
  }
  return `${name}-id`;
}
