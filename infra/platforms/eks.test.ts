// The eks stack under Pulumi mocks: what it asks AWS for, and the security properties of those asks.
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  describeKubeObjects,
  inputsOf,
  onlyOne,
  openToWorld,
  securityGroupIngress,
} from "../../test/infra/platform-checks.js";
import { fakeCalls } from "../render/fakes.js";
import { named } from "../render/inspect.js";

import { holdsSecret, kubeObjects, reveal, toResourceList, toYaml } from "../render/objects.js";
import { type Rendered, render } from "../render/render.js";

let eks: Rendered;
beforeAll(async () => {
  eks = await render({ stack: "eks" });
});

describe("eks inventory", () => {
  it("creates exactly the AWS resources the platform needs", () => {
    const counts: Record<string, number> = {};
    for (const r of eks.resources.filter((r) => /^(aws|awsx|eks|random):/.test(r.type)))
      counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      "awsx:ec2:Vpc": 1,
      "eks:index:Cluster": 1,
      "eks:index:ManagedNodeGroup": 1,
      // Nodes, CloudWatch agent, and Grafana's reader of the warehouse (monitoring is on by default).
      "aws:iam/role:Role": 3,
      "aws:iam/rolePolicy:RolePolicy": 1,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation": 1,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 4,
      "aws:eks/addon:Addon": 5,
      "aws:cloudwatch/logGroup:LogGroup": 5,
      "aws:ecr/repository:Repository": 1,
      "aws:ecr/lifecyclePolicy:LifecyclePolicy": 1,
      "aws:rds/subnetGroup:SubnetGroup": 1,
      "aws:rds/parameterGroup:ParameterGroup": 1,
      "aws:rds/instance:Instance": 1,
      "aws:ec2/securityGroup:SecurityGroup": 2,
      "aws:redshiftserverless/namespace:Namespace": 1,
      "aws:redshiftserverless/workgroup:Workgroup": 1,
      // MySQL and Redshift, and Grafana's admin (monitoring is on by default).
      "random:index/randomPassword:RandomPassword": 3,
      "random:index/randomId:RandomId": 1,
    });
  });
});

describe("eks network and nodes", () => {
  it("spans three AZs with public and private subnets and one NAT gateway by default", () => {
    const vpc = onlyOne(eks, "awsx:ec2:Vpc");
    expect(vpc.numberOfAvailabilityZones).toBe(3);
    expect(vpc.natGateways).toEqual({ strategy: "Single" });
    const specs = vpc.subnetSpecs as { type: string; tags: Record<string, string> }[];
    expect(specs.map((s) => s.type).sort()).toEqual(["Private", "Public"]);
    expect(specs.find((s) => s.type === "Public")!.tags["kubernetes.io/role/elb"]).toBe("1");
    expect(specs.find((s) => s.type === "Private")!.tags["kubernetes.io/role/internal-elb"]).toBe("1");
  });

  it("puts a NAT gateway in every AZ when asked", async () => {
    const perAz = await render({ stack: "eks", set: { "eks.network.natGateways": "OnePerAz" } });
    expect(onlyOne(perAz, "awsx:ec2:Vpc").natGateways).toEqual({ strategy: "OnePerAz" });
  });

  it("runs the cluster with API authentication, control-plane logs and no self-managed nodes", () => {
    const cluster = onlyOne(eks, "eks:index:Cluster");
    expect(cluster.authenticationMode).toBe("API");
    expect(cluster.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator"]);
    expect(cluster.skipDefaultNodeGroup).toBe(true);
    expect(cluster.version).toBe("1.35");
    expect(cluster.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(cluster.privateSubnetIds).toEqual(["moon-eks-private-1", "moon-eks-private-2", "moon-eks-private-3"]);
    expect(cluster.publicSubnetIds).toEqual(["moon-eks-public-1", "moon-eks-public-2", "moon-eks-public-3"]);
    // NetworkPolicies are only enforced by the VPC CNI when turned on.
    expect(cluster.useDefaultVpcCni).toBe(false);
    expect(cluster.vpcCniOptions).toMatchObject({ enableNetworkPolicy: true });
  });

  it("gives the configured principals (the CI role) cluster-admin through access entries", async () => {
    const arn = "arn:aws:iam::123456789012:role/github-release";
    const withCi = await render({ stack: "eks", set: { "eks.adminPrincipalArns[0]": arn } });
    expect(onlyOne(withCi, "eks:index:Cluster").accessEntries).toEqual({
      "admin-1": {
        principalArn: arn,
        accessPolicies: {
          admin: {
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            accessScope: { type: "cluster" },
          },
        },
      },
    });
  });

  it("leaves the principal running the program out of the access entries: EKS made it admin already", async () => {
    // The fake caller is an assumed-role session of role pulumi-deployer (infra/render/fakes.ts).
    const deployer = "arn:aws:iam::123456789012:role/pulumi-deployer";
    const other = "arn:aws:iam::123456789012:role/operators";
    const both = await render({
      stack: "eks",
      set: { "eks.adminPrincipalArns[0]": deployer, "eks.adminPrincipalArns[1]": other },
    });
    const entries = onlyOne(both, "eks:index:Cluster").accessEntries as Record<string, { principalArn: string }>;
    expect(Object.values(entries).map((e) => e.principalArn)).toEqual([other]);
  });

  it("keeps a control plane AWS upgraded at end of support instead of asking for a downgrade", async () => {
    expect(onlyOne(eks, "eks:index:Cluster").version).toBe("1.35");
    const calls = { ...fakeCalls };
    fakeCalls["aws:eks/getClusters:getClusters"] = () => ({ names: ["moon-eks"] });
    fakeCalls["aws:eks/getCluster:getCluster"] = ({ inputs }) => ({ name: inputs.name, version: "1.36" });
    try {
      const upgraded = await render({ stack: "eks" });
      expect(onlyOne(upgraded, "eks:index:Cluster").version).toBe("1.36");
      // The add-ons follow the version actually running.
      for (const addon of inputsOf(upgraded, "aws:eks/addon:Addon").filter((a) => a.addonVersion))
        expect(addon.addonVersion).toContain("-1.36");
      // An older live version (the configured one is a deliberate upgrade) is not kept.
      fakeCalls["aws:eks/getCluster:getCluster"] = ({ inputs }) => ({ name: inputs.name, version: "1.34" });
      expect(onlyOne(await render({ stack: "eks" }), "eks:index:Cluster").version).toBe("1.35");
    } finally {
      Object.assign(fakeCalls, calls);
      delete fakeCalls["aws:eks/getCluster:getCluster"];
    }
  });

  it("runs CoreDNS, kube-proxy and metrics-server as EKS add-ons at the newest build for the version", () => {
    const cluster = onlyOne(eks, "eks:index:Cluster");
    // pulumi-eks would leave both self-managed (never upgraded) without a default node group.
    expect(cluster.corednsAddonOptions).toMatchObject({ enabled: false });
    expect(cluster.kubeProxyAddonOptions).toMatchObject({ enabled: false });
    const addons = inputsOf(eks, "aws:eks/addon:Addon").filter((a) =>
      ["coredns", "kube-proxy", "metrics-server"].includes(String(a.addonName)),
    );
    expect(addons.map((a) => a.addonName).sort()).toEqual(["coredns", "kube-proxy", "metrics-server"]);
    for (const addon of addons) {
      expect(addon).toMatchObject({
        clusterName: "moon-eks",
        addonVersion: `v0.0.0-eksbuild.1-${addon.addonName}-1.35`,
        resolveConflictsOnCreate: "OVERWRITE",
      });
    }
  });

  it("places the managed nodes in the private subnets only, sized from config", () => {
    const nodes = onlyOne(eks, "eks:index:ManagedNodeGroup");
    const subnets = nodes.subnetIds as string[];
    expect(subnets).toEqual(["moon-eks-private-1", "moon-eks-private-2", "moon-eks-private-3"]);
    expect(subnets.some((s) => s.includes("public"))).toBe(false);
    expect(nodes.instanceTypes).toEqual(["t3.medium"]);
    expect(nodes.scalingConfig).toEqual({ minSize: 1, desiredSize: 3, maxSize: 4 });
    expect(nodes.enableIMDSv2).toBe(true);
  });

  it("gives the nodes only the worker, CNI and ECR read-only policies", () => {
    const policies = eks.resources
      .filter(
        (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.name.startsWith("moon-eks-nodes-"),
      )
      .map((r) => r.inputs.policyArn);
    expect(policies.sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]);
  });

  it("exports the kubeconfig only as a secret and builds the provider from it", () => {
    expect(holdsSecret(eks.outputs.kubeconfig)).toBe(true);
    const provider = onlyOne(eks, "pulumi:providers:kubernetes");
    expect(holdsSecret(provider.kubeconfig)).toBe(true);
    expect(String(reveal(provider.kubeconfig))).toContain("moon-eks.eks.fake");
    // An unknown kubeconfig at preview must not plan replacing every object: the ARN names the cluster.
    expect(provider.clusterIdentifier).toBe("arn:aws:eks:ap-southeast-1:123456789012:cluster/moon-eks");
  });
});

describe("eks registry", () => {
  it("scans on push, keeps tags immutable and never expires a release image a colour may run", async () => {
    const repo = onlyOne(eks, "aws:ecr/repository:Repository");
    expect(repo.imageTagMutability).toBe("IMMUTABLE");
    expect(repo.imageScanningConfiguration).toEqual({ scanOnPush: true });
    const rules = (rendered: Rendered) =>
      JSON.parse(String(onlyOne(rendered, "aws:ecr/lifecyclePolicy:LifecyclePolicy").policy)).rules as any[];
    expect(rules(eks)).toEqual([
      expect.objectContaining({
        selection: expect.objectContaining({ tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 7 }),
      }),
    ]);
    // Candidate tags expire by age, and only those.
    const withCandidates = await render({
      stack: "eks",
      set: { "eks.registry.candidateTagPatterns[0]": "pr-*", "eks.registry.candidateExpiryDays": "3" },
    });
    const tagged = rules(withCandidates).filter((r) => r.selection.tagStatus !== "untagged");
    expect(tagged.map((r) => r.selection)).toEqual([
      {
        tagStatus: "tagged",
        tagPatternList: ["pr-*"],
        countType: "sinceImagePushed",
        countUnit: "days",
        countNumber: 3,
      },
    ]);
    expect(eks.outputs.registry).toBe("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/moon-agent-tracker");
  });
});

describe("eks MySQL", () => {
  it("is private, encrypted, backed up, TLS-only and protected from deletion by default", () => {
    const db = onlyOne(eks, "aws:rds/instance:Instance");
    expect(db).toMatchObject({
      engine: "mysql",
      engineVersion: "8.4",
      publiclyAccessible: false,
      storageEncrypted: true,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      multiAz: false,
      skipFinalSnapshot: false,
      dbName: "moon",
      username: "moon",
    });
    // Unique per stack instance, so tearing down a recreated stack does not collide with the last snapshot.
    expect(db.finalSnapshotIdentifier).toMatch(/^moon-eks-final-[0-9a-f]{8}$/);
    expect(holdsSecret(db.password)).toBe(true);
    expect(onlyOne(eks, "aws:rds/subnetGroup:SubnetGroup").subnetIds).toEqual([
      "moon-eks-private-1",
      "moon-eks-private-2",
      "moon-eks-private-3",
    ]);
    expect(onlyOne(eks, "aws:rds/parameterGroup:ParameterGroup")).toMatchObject({
      family: "mysql8.4",
      parameters: [{ name: "require_secure_transport", value: "1" }],
    });
  });

  it("takes Multi-AZ and deletion protection from config", async () => {
    const changed = await render({
      stack: "eks",
      set: { "eks.database.multiAz": "true", "eks.database.deletionProtection": "false" },
    });
    expect(onlyOne(changed, "aws:rds/instance:Instance")).toMatchObject({ multiAz: true, deletionProtection: false });
  });

  it("admits 3306 only from the cluster's node security group", () => {
    const db = onlyOne(eks, "aws:rds/instance:Instance");
    expect(db.vpcSecurityGroupIds).toEqual(["moon-eks-mysql-id"]);
    expect(securityGroupIngress(eks, "moon-eks-mysql")).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 3306,
        toPort: 3306,
        securityGroups: ["moon-eks-cluster-sg"],
      }),
    ]);
  });

  it("hands the services a DATABASE_URL that verifies the RDS endpoint against the region's CAs", () => {
    const secret = named(kubeObjects(eks.resources), "Secret", "credentials");
    const url = new URL((secret.stringData as Record<string, string>).DATABASE_URL!);
    expect(url.protocol).toBe("mysql:");
    expect(url.host).toBe("moon-eks.rds.fake:3306");
    expect(url.pathname).toBe("/moon");
    expect(url.searchParams.get("sslmode")).toBe("verify-full");
    expect(eks.outputs.databaseHost).toBe("moon-eks.rds.fake");
    const settings = named(kubeObjects(eks.resources), "ConfigMap", "settings").data as Record<string, string>;
    const authorities = settings.DATABASE_CA_CERT!.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    const names = authorities.map((pem) => new X509Certificate(pem).subject);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/CN=Amazon RDS ap-southeast-1 Root CA/);
  });
});

describe("eks Redshift Serverless", () => {
  it("sits in the private subnets, is not publicly accessible and admits 5439 only from the nodes", () => {
    const workgroup = onlyOne(eks, "aws:redshiftserverless/workgroup:Workgroup");
    expect(workgroup).toMatchObject({
      publiclyAccessible: false,
      port: 5439,
      baseCapacity: 8,
      maxCapacity: 8,
      enhancedVpcRouting: true,
    });
    expect(workgroup.subnetIds).toEqual(["moon-eks-private-1", "moon-eks-private-2", "moon-eks-private-3"]);
    expect(workgroup.securityGroupIds).toEqual(["moon-eks-redshift-id"]);
    expect(securityGroupIngress(eks, "moon-eks-redshift")).toEqual([
      expect.objectContaining({
        protocol: "tcp",
        fromPort: 5439,
        toPort: 5439,
        securityGroups: ["moon-eks-cluster-sg"],
      }),
    ]);
    expect(holdsSecret(onlyOne(eks, "aws:redshiftserverless/namespace:Namespace").adminUserPassword)).toBe(true);
  });

  it("is the aggregator's warehouse, as a redshift:// URL", () => {
    const secret = named(kubeObjects(eks.resources), "Secret", "credentials");
    const url = new URL((secret.stringData as Record<string, string>).WAREHOUSE_URL!);
    expect(url.protocol).toBe("redshift:");
    expect(url.host).toBe("moon-eks.redshift-serverless.fake:5439");
    expect(url.pathname).toBe("/warehouse");
  });
});

describe("eks security groups", () => {
  it("never open MySQL or Redshift ports to the world", () => {
    const groups = eks.resources.filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup");
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      for (const port of [3306, 5439]) expect(openToWorld(securityGroupIngress(eks, group.name), port)).toBe(false);
    }
    expect(eks.resources.filter((r) => /securityGroupRule|vpc\/securityGroupIngressRule/.test(r.type))).toEqual([]);
  });

  it("lets pods reach the data stores only inside the VPC, on their ports", () => {
    const policies = kubeObjects(eks.resources).filter((o) => o.kind === "NetworkPolicy");
    const egress = (name: string) => (named(policies, "NetworkPolicy", name).spec as { egress: unknown[] }).egress;
    expect(egress("allow-database")).toEqual([
      { ports: [{ port: 3306, protocol: "TCP" }], to: [{ ipBlock: { cidr: "10.0.0.0/16" } }] },
    ]);
    expect(egress("allow-warehouse")).toEqual([
      { ports: [{ port: 5439, protocol: "TCP" }], to: [{ ipBlock: { cidr: "10.0.0.0/16" } }] },
    ]);
  });
});

describe("eks logs and load balancer", () => {
  it("ships container logs with the CloudWatch add-on through Pod Identity", () => {
    const addons = inputsOf(eks, "aws:eks/addon:Addon");
    expect(addons.map((a) => a.addonName).sort()).toEqual([
      "amazon-cloudwatch-observability",
      "coredns",
      "eks-pod-identity-agent",
      "kube-proxy",
      "metrics-server",
    ]);
    for (const addon of addons) expect(addon.clusterName).toBe("moon-eks");
    const observability = addons.find((a) => a.addonName === "amazon-cloudwatch-observability")!;
    expect(observability.podIdentityAssociations).toEqual([
      { roleArn: "arn:aws:iam::123456789012:role/moon-eks-cloudwatch", serviceAccount: "cloudwatch-agent" },
    ]);
    const role = eks.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === "moon-eks-cloudwatch")!;
    const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
    ]);
    expect(inputsOf(eks, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toContainEqual(
      expect.objectContaining({ policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" }),
    );
  });

  it("keeps control-plane and container logs for the configured retention", () => {
    const groups = inputsOf(eks, "aws:cloudwatch/logGroup:LogGroup");
    expect(groups.map((g) => g.name).sort()).toEqual([
      "/aws/containerinsights/moon-eks/application",
      "/aws/containerinsights/moon-eks/dataplane",
      "/aws/containerinsights/moon-eks/host",
      "/aws/containerinsights/moon-eks/performance",
      "/aws/eks/moon-eks/cluster",
    ]);
    for (const group of groups) expect(group.retentionInDays).toBe(30);
  });

  it("fronts the gateway with an AWS NLB", () => {
    const proxy = kubeObjects(eks.resources).find((o) => o.kind === "EnvoyProxy")!;
    const service = (proxy.spec as any).provider.kubernetes.envoyService;
    expect(service.type).toBe("LoadBalancer");
    expect(service.annotations).toEqual({ "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" });
  });
});

describe("eks secrets", () => {
  it("never prints a generated password, in YAML or in the resource list", () => {
    const printed = toYaml(eks.resources) + JSON.stringify(toResourceList(eks.resources));
    expect(printed).not.toContain("fake-password-");
    expect(JSON.stringify(reveal(eks.resources.map((r) => r.inputs)))).toContain("fake-password-moon-eks-mysql");
  });
});

describe("eks config", () => {
  it.each([
    ["eks.network.availabilityZones", "2", "must be at least 3"],
    ["eks.network.natGateways", "Two", "Single"],
    ["eks.nodes.desiredSize", "5", "minSize <= desiredSize <= maxSize"],
    ["eks.database.backupRetentionDays", "0", "backups stay on"],
    ["eks.database.multiAz", "yes", "must be true or false"],
    ["eks.logRetentionDays", "10", "must be one of"],
    ["eks.warehouse.baseCapacity", "12", "multiple of 8"],
    ["eks.apiAllowedCidrs", "everyone", "expected array"],
    ["eks.kubernetesVersion", "latest", "minor version"],
    ["eks.surprise", "1", "is not a known setting"],
  ])("refuses %s=%s, naming the key", async (key, value, message) => {
    await expect(render({ stack: "eks", set: { [key]: value } })).rejects.toThrow(
      new RegExp(`moon-agent-tracker:${key.replaceAll(".", "\\.")}: [^\\n]*${message}`),
    );
  });
});

describeKubeObjects("eks");
