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
    status: { name, namespace: inputs["namespace"], status: "deployed", version: inputs["version"] },
  }),
};

/** Results of provider functions (data sources), by token; unlisted calls return their inputs. */
export const fakeCalls: Record<string, (args: MockCallArgs) => Record<string, unknown>> = {};

/** Ids that read like the real ones: Kubernetes objects are `namespace/name`. */
export function fakeId({ type, name, inputs }: MockResourceArgs): string {
  const metadata = inputs["metadata"] as { name?: string; namespace?: string } | undefined;
  if (type.startsWith("kubernetes:") && metadata?.name) {
    return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name;
  }
  return `${name}-id`;
}
