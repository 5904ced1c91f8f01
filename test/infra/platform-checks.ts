// Queries the eks and doks tests share over a render's resource list.
import { beforeAll, describe, expect, it } from "vitest";
import { colours } from "../../contract/index.js";
import { podTemplates } from "../../infra/render/inspect.js";
import { kubeObjects, reveal } from "../../infra/render/objects.js";
import { type Rendered, render } from "../../infra/render/render.js";

/** Inputs of every resource of `type`. */
export const inputsOf = (rendered: Rendered, type: string) =>
  rendered.resources.filter((r) => r.type === type).map((r) => r.inputs);

/** Inputs of the single resource of `type`; fails the test when there is not exactly one. */
export function onlyOne(rendered: Rendered, type: string): Record<string, unknown> {
  const found = inputsOf(rendered, type);
  expect(found, `resources of type ${type}`).toHaveLength(1);
  return found[0]!;
}

export interface IngressRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  securityGroups?: string[];
}

/** Ingress rules of the security group named `name`. */
export function securityGroupIngress(rendered: Rendered, name: string): IngressRule[] {
  const group = rendered.resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && r.name === name);
  if (!group) throw new Error(`no security group ${name} rendered`);
  return (group.inputs.ingress as IngressRule[] | undefined) ?? [];
}

/** True when some rule admits `port` from anywhere on the internet. */
export function openToWorld(rules: IngressRule[], port: number): boolean {
  const covers = (r: IngressRule) => r.protocol === "-1" || (r.fromPort <= port && port <= r.toPort);
  const world = (r: IngressRule) =>
    (r.cidrBlocks ?? []).includes("0.0.0.0/0") || (r.ipv6CidrBlocks ?? []).includes("::/0");
  return rules.some((r) => covers(r) && world(r));
}

/**
 * What a cloud stack must share with local about the Kubernetes objects, for both colours: routes
 * follow `activeColor` with header overrides, a flip changes only routes, the CronJob and the
 * operations dashboard, and every pod is hardened. The platform must not bend the cloud-neutral part.
 */
export function describeKubeObjects(stack: string): void {
  describe(`${stack} Kubernetes objects`, () => {
    const renders: Record<string, Rendered> = {};
    beforeAll(async () => {
      for (const colour of colours) renders[colour] = await render({ stack, set: { activeColor: colour } });
    });

    it.each(colours)("routes every service to %s when it is active, and each colour by header", (active) => {
      const routes = kubeObjects(renders[active]!.resources).filter((o) => o.kind === "HTTPRoute");
      expect(routes.map((r) => r.metadata.name).sort()).toEqual(["agent", "notification", "sales"]);
      for (const route of routes) {
        const rules = (
          route.spec as {
            rules: { matches: { headers?: { value: string }[] }[]; backendRefs: { name: string }[] }[];
          }
        ).rules;
        const byHeader = (colour: string) =>
          rules.find((r) => r.matches.every((m) => m.headers?.[0]?.value === colour));
        expect(rules.find((r) => r.matches.every((m) => !m.headers))!.backendRefs[0]!.name).toBe(
          `${route.metadata.name}-${active}`,
        );
        for (const colour of colours)
          expect(byHeader(colour)!.backendRefs[0]!.name).toBe(`${route.metadata.name}-${colour}`);
      }
    });

    it("flips by changing only the HTTPRoutes, the aggregator CronJob and the operations dashboard", () => {
      const index = (r: Rendered) =>
        new Map(r.resources.map((x) => [`${x.type} ${x.name}`, JSON.stringify(reveal(x.inputs))]));
      const [blue, green] = [index(renders.blue!), index(renders.green!)];
      const changed = [...new Set([...blue.keys(), ...green.keys()])].filter((k) => blue.get(k) !== green.get(k));
      expect(changed.map((k) => k.split(" ")[0]).sort()).toEqual([
        "kubernetes:batch/v1:CronJob",
        // With monitoring on: the operations dashboard marks the colour taking the traffic.
        "kubernetes:core/v1:ConfigMap",
        ...Array(3).fill("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"),
      ]);
      expect(changed.find((k) => k.startsWith("kubernetes:core/v1:ConfigMap"))).toMatch(/ dashboard-moon-operations$/);
    });

    it("runs every app pod non-root, read-only, without privileges and with RuntimeDefault seccomp", () => {
      const pods = podTemplates(kubeObjects(renders.blue!.resources).filter((o) => o.metadata.namespace === "moon"));
      expect(pods.length).toBeGreaterThanOrEqual(9);
      for (const pod of pods) {
        expect(pod.spec.securityContext, pod.owner.metadata.name).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(pod.spec.automountServiceAccountToken, pod.owner.metadata.name).toBe(false);
        for (const container of pod.spec.containers as Record<string, unknown>[]) {
          expect(container.securityContext, pod.owner.metadata.name).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
        }
      }
    });
  });
}
