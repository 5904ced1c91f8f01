// Queries the eks and doks tests share over a render's resource list.
import { expect } from "vitest";
import type { Rendered } from "../render/render.js";

/** Inputs of every resource of `type`. */
export const inputsOf = (rendered: Rendered, type: string) => rendered.resources.filter((r) => r.type === type).map((r) => r.inputs);

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
  return (group.inputs["ingress"] as IngressRule[] | undefined) ?? [];
}

/** True when some rule admits `port` from anywhere on the internet. */
export function openToWorld(rules: IngressRule[], port: number): boolean {
  const covers = (r: IngressRule) => r.protocol === "-1" || (r.fromPort <= port && port <= r.toPort);
  const world = (r: IngressRule) => (r.cidrBlocks ?? []).includes("0.0.0.0/0") || (r.ipv6CidrBlocks ?? []).includes("::/0");
  return rules.some((r) => covers(r) && world(r));
}
