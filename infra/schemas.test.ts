// Every object of every render variant against the upstream schemas: what an API server would refuse.
import { beforeAll, describe, expect, it } from "vitest";
import { type KubeObject, kubeObjects } from "./render/objects.js";
import { render } from "./render/render.js";
import { schemaProblems } from "./render/schemas.js";
import { renderVariants } from "./render/variants.js";

const rendered: Record<string, KubeObject[]> = {};
beforeAll(async () => {
  for (const { label, options } of renderVariants) rendered[label] = kubeObjects((await render(options)).resources);
});

const copy = <T>(value: T): T => structuredClone(value);
const find = (label: string, kind: string) => {
  const found = rendered[label]!.find((o) => o.kind === kind);
  if (!found) throw new Error(`${label} rendered no ${kind}`);
  return copy(found);
};

describe("rendered objects against the upstream schemas", () => {
  it.each(renderVariants.map((v) => v.label))("%s: every object is valid", async (label) => {
    const objects = rendered[label]!;
    expect(objects.length).toBeGreaterThan(40);
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it("covers every kind the program renders, custom resources included", () => {
    const kinds = new Set(
      Object.values(rendered).flatMap((objects) => objects.map((o) => `${o.apiVersion} ${o.kind}`)),
    );
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        "apps/v1 Deployment",
        "apps/v1 StatefulSet",
        "autoscaling/v2 HorizontalPodAutoscaler",
        "batch/v1 CronJob",
        "batch/v1 Job",
        "gateway.envoyproxy.io/v1alpha1 EnvoyProxy",
        "gateway.networking.k8s.io/v1 Gateway",
        "gateway.networking.k8s.io/v1 GatewayClass",
        "gateway.networking.k8s.io/v1 HTTPRoute",
        "monitoring.coreos.com/v1 PrometheusRule",
        "monitoring.coreos.com/v1 ServiceMonitor",
        "monitoring.coreos.com/v1alpha1 AlertmanagerConfig",
        "networking.k8s.io/v1 NetworkPolicy",
        "policy/v1 PodDisruptionBudget",
        "v1 ConfigMap",
        "v1 Namespace",
        "v1 Secret",
        "v1 Service",
      ]),
    );
  });
});

describe("a seeded error is caught, naming the object and the field", () => {
  it("a wrong type and an unknown field in a Deployment", async () => {
    const deployment = find("local blue", "Deployment");
    (deployment.spec as any).replicas = "2";
    (deployment.spec as any).template.spec.containers[0].imagePullPolice = "Always";
    const name = `Deployment moon/${deployment.metadata.name}`;
    expect(await schemaProblems([deployment])).toEqual([
      { object: name, path: "/spec/replicas", message: "must be integer" },
    ]);
    // With the type fixed, the misspelt field is what remains.
    (deployment.spec as any).replicas = 2;
    expect(await schemaProblems([deployment])).toEqual([
      { object: name, path: "/spec/template/spec/containers/0/imagePullPolice", message: "is not a known field" },
    ]);
  });

  it("an unknown field and a bad value in Gateway API objects", async () => {
    const route = find("eks blue", "HTTPRoute");
    (route.spec as any).parentRefs[0].sectionNme = "http";
    const gateway = find("local HTTPS", "Gateway");
    (gateway.spec as any).listeners[0].protocol = 80;
    expect(await schemaProblems([route, gateway])).toEqual([
      expect.objectContaining({
        object: `HTTPRoute moon/${route.metadata.name}`,
        path: "/spec/parentRefs/0/sectionNme",
      }),
      expect.objectContaining({ object: "Gateway moon/public", path: "/spec/listeners/0/protocol" }),
    ]);
  });

  it("an unknown field and a wrong type in Envoy Gateway's EnvoyProxy (CRD schema)", async () => {
    const proxy = find("doks blue", "EnvoyProxy");
    const kubernetes = (proxy.spec as any).provider.kubernetes;
    kubernetes.envoyPdb = { maxUnavailable: 1 };
    kubernetes.envoyDeployment.replicas = "two";
    expect(await schemaProblems([proxy])).toEqual(
      expect.arrayContaining([
        {
          object: "EnvoyProxy envoy-gateway-system/public",
          path: "/spec/provider/kubernetes/envoyPdb",
          message: "is not a known field",
        },
        expect.objectContaining({
          path: "/spec/provider/kubernetes/envoyDeployment/replicas",
          message: "must be integer",
        }),
      ]),
    );
  });

  it("a wrong type and an unknown field in the alert rules (PrometheusRule)", async () => {
    const rules = find("local monitoring", "PrometheusRule");
    const [group] = (rules.spec as any).groups;
    group.interval = 30;
    group.rules[0].recrod = group.rules[0].record;
    const name = "PrometheusRule moon/moon-alerts";
    expect(await schemaProblems([rules])).toEqual([
      { object: name, path: "/spec/groups/0/interval", message: "must be string" },
    ]);
    group.interval = "30s";
    expect(await schemaProblems([rules])).toEqual([
      { object: name, path: "/spec/groups/0/rules/0/recrod", message: "is not a known field" },
    ]);
  });

  it("an object with no schema at all", async () => {
    const unknown = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
    expect(await schemaProblems([unknown])).toEqual([
      expect.objectContaining({
        object: "Widget -/w",
        message: expect.stringContaining("no schema for example.com/v1 Widget"),
      }),
    ]);
  });
});
