// Every rendered object checked against the upstream API schemas, as an API server would before
// storing it: the Kubernetes models (kubernetes-models), the Gateway API models
// (@kubernetes-models/gateway-api), the Prometheus Operator's (@kubernetes-models/prometheus-operator) and, for Envoy Gateway's EnvoyProxy, which has no model, the
// schema of its CRD (infra/schemas, derived by scripts/crd-schema-subset.ts).
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import type { KubeObject } from "./objects.js";

export interface SchemaProblem {
  /** `Kind namespace/name` of the object. */
  object: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/ports/0/containerPort`. */
  path: string;
  message: string;
}

type Validate = (data: unknown) => { errors: { path: string; message: string }[] };

/** `apiVersion` → where its models live. */
const modelModules: Record<string, (kind: string) => string> = {
  v1: (kind) => `kubernetes-models/v1/${kind}`,
  "gateway.networking.k8s.io/v1": (kind) => `@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/${kind}`,
  "monitoring.coreos.com/v1": (kind) => `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`,
  "monitoring.coreos.com/v1alpha1": (kind) =>
    `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/${kind}`,
};
const modelModule = (apiVersion: string, kind: string) =>
  modelModules[apiVersion]?.(kind) ?? `kubernetes-models/${apiVersion}/${kind}`;

/** CRDs without a model: the schema file derived from the CRD, by `apiVersion kind`. */
const crdSchemas: Record<string, string> = {
  "gateway.envoyproxy.io/v1alpha1 EnvoyProxy": "envoyproxies.gateway.envoyproxy.io.json",
};

const validators = new Map<string, Promise<Validate>>();

function validatorFor(apiVersion: string, kind: string): Promise<Validate> {
  const key = `${apiVersion} ${kind}`;
  let found = validators.get(key);
  if (!found) {
    found = crdSchemas[key] ? crdValidator(crdSchemas[key]) : modelValidator(apiVersion, kind);
    validators.set(key, found);
  }
  return found;
}

async function modelValidator(apiVersion: string, kind: string): Promise<Validate> {
  const module = modelModule(apiVersion, kind);
  const models = (await import(module).catch(() => {
    throw new Error(`no schema for ${apiVersion} ${kind} (looked for ${module})`);
  })) as Record<string, { prototype: { validate(): void } }>;
  const model = models[kind];
  if (!model) throw new Error(`${module} has no model ${kind}`);
  return (data) => {
    const reads = new Map<object, FieldReads>();
    try {
      // The model's own check runs on `this`: handing it a recording view of the object shows which
      // fields the schema knows.
      model.prototype.validate.call(recording(data, reads));
    } catch (err) {
      const errors = (err as { errors?: ErrorObject[] }).errors;
      if (!errors) throw err;
      return { errors: errors.map(fromAjv) };
    }
    return { errors: unknownFields(reads) };
  };
}

async function crdValidator(file: string): Promise<Validate> {
  const schema = JSON.parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), "utf8"));
  // Kubernetes' own keywords (x-kubernetes-*) are not JSON Schema: strict mode off, formats unchecked.
  const check = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  return (data) => ({ errors: check(data) ? [] : (check.errors ?? []).map(fromAjv) });
}

function fromAjv(e: ErrorObject): { path: string; message: string } {
  if (e.keyword === "additionalProperties") {
    const field = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: `${e.instancePath}/${field}`, message: "is not a known field" };
  }
  return { path: e.instancePath || "/", message: e.message ?? e.keyword };
}

/** Which fields of one object a schema looked at; `all` when it went through every key (a map). */
interface FieldReads {
  path: string;
  read: Set<string>;
  all: boolean;
}

/** A read-only view of `value` that records, per object, which fields the validator reads. */
function recording(value: unknown, reads: Map<object, FieldReads>, path = ""): unknown {
  if (value === null || typeof value !== "object") return value;
  const entry: FieldReads = { path, read: new Set(), all: false };
  reads.set(value, entry);
  const children = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== "string") return child;
      entry.read.add(key);
      if (!children.has(key)) children.set(key, recording(child, reads, `${path}/${key}`));
      return children.get(key);
    },
    ownKeys(target) {
      entry.all = true;
      return Reflect.ownKeys(target);
    },
  });
}

/**
 * Fields the schema never looked at, on objects it did look into. The generated validators test
 * every property a schema declares, so a field left unread is one the schema does not have; objects
 * whose schema declares no properties (free-form) have nothing read and are left alone.
 */
function unknownFields(reads: Map<object, FieldReads>): { path: string; message: string }[] {
  const found: { path: string; message: string }[] = [];
  for (const [object, entry] of reads) {
    if (Array.isArray(object) || entry.all || entry.read.size === 0) continue;
    for (const key of Object.keys(object)) {
      if (!entry.read.has(key)) found.push({ path: `${entry.path}/${key}`, message: "is not a known field" });
    }
  }
  return found;
}

/** Every schema problem of every object; an object whose apiVersion and kind have no schema is one too. */
export async function schemaProblems(objects: KubeObject[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const name = `${object.kind} ${object.metadata.namespace ?? "-"}/${object.metadata.name}`;
    const validate = await validatorFor(object.apiVersion, object.kind).catch((err: Error) => err);
    if (validate instanceof Error) {
      problems.push({ object: name, path: "/", message: validate.message });
      continue;
    }
    // One line per field and message: a value can fail the same check through several schema branches.
    const seen = new Set<string>();
    for (const { path, message } of validate(object).errors) {
      if (seen.has(`${path} ${message}`)) continue;
      seen.add(`${path} ${message}`);
      problems.push({ object: name, path, message });
    }
  }
  return problems;
}
