import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import type { MockedResource } from "./render.js";

export const MASK = "[secret]";

/** A Kubernetes object as it would be applied. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const isSecretValue = (v: unknown): v is { value: unknown } =>
  typeof v === "object" &&
  v !== null &&
  (v as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** Replaces every secret value with `[secret]`. */
export function mask(value: unknown): unknown {
  if (isSecretValue(value)) return MASK;
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  }
  return value;
}

/** Strips the secret wrappers, revealing values: for assertions, never for printing. */
export function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  }
  return value;
}

/** True when `value` holds a secret anywhere inside it. */
export function holdsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsSecret);
  return false;
}

/** Kubernetes objects among the resources (not providers, Helm releases or components), secrets revealed. */
export function kubeObjects(resources: MockedResource[]): KubeObject[] {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string" && r.inputs.metadata)
    .map((r) => reveal(r.inputs) as KubeObject);
}

/** Secret payloads are masked whether or not Pulumi marked them secret: they are Secrets. */
function maskObject(resource: MockedResource): unknown {
  const masked = mask(resource.inputs) as Record<string, unknown>;
  if (masked.kind !== "Secret") return masked;
  const revealed = reveal(resource.inputs) as Record<string, unknown>;
  for (const field of ["data", "stringData"]) {
    const payload = revealed[field] as Record<string, unknown> | undefined;
    if (payload) masked[field] = Object.fromEntries(Object.keys(payload).map((k) => [k, MASK]));
  }
  return masked;
}

/** Multi-document YAML of the Kubernetes objects, secrets masked: what linters read. */
export function toYaml(resources: MockedResource[]): string {
  return resources
    .filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs.kind === "string" && r.inputs.metadata)
    .map((r) => stringify(maskObject(r), { lineWidth: 0 }))
    .join("---\n");
}

/** Every resource as `{type, name, inputs}`, secrets masked. */
export function toResourceList(resources: MockedResource[]): unknown[] {
  return resources.map((r) => ({ type: r.type, name: r.name, inputs: maskObject(r) }));
}
