// `npx tsx scripts/crd-schema-subset.ts <crds.yaml> <chart version>`: derives infra/schemas/<crd>.json from a CRD
// manifest for the custom resources the program renders without a model (EnvoyProxy). It keeps the
// schema only along the fields the program sets (every render variant), names every sibling field so
// an unknown one is refused, and drops descriptions and CEL rules. Regenerate it when the Envoy
// Gateway chart is bumped, from that version's CRDs:
//   helm template oci://docker.io/envoyproxy/gateway-crds-helm --version <v> \
//     --set crds.envoyGateway.enabled=true > /tmp/eg-crds.yaml
//   npx tsx scripts/crd-schema-subset.ts /tmp/eg-crds.yaml <v> && npm run format
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseAllDocuments } from "yaml";
import { kubeObjects } from "../infra/render/objects.js";
import { render } from "../infra/render/render.js";
import { renderVariants } from "../infra/render/variants.js";

/** The parts of an OpenAPI v3 schema node this walks; other keywords pass through as `unknown`. */
interface Schema {
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  [keyword: string]: unknown;
}

interface Crd {
  kind: string;
  metadata: { name: string };
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

/** Keywords kept: what JSON Schema checks of a value itself. */
const kept = [
  "type",
  "enum",
  "format",
  "pattern",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "required",
  "x-kubernetes-int-or-string",
];

/** `schema` cut down to the shape of `values` (every instance of this node across the renders). */
function prune(schema: Schema, values: unknown[]): Schema {
  if (schema["x-kubernetes-preserve-unknown-fields"]) return {};
  const out: Schema = Object.fromEntries(kept.filter((k) => k in schema).map((k) => [k, schema[k]]));
  for (const union of ["anyOf", "oneOf", "allOf"] as const) {
    const branches = schema[union];
    if (branches) out[union] = branches.map((s) => prune(s, values));
  }
  const objects = values.filter(
    (v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v),
  );
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, child]) => {
        const used = objects.map((o) => o[key]).filter((v) => v !== undefined);
        // Unused fields keep their name only: allowed, unchecked.
        return [key, used.length ? prune(child, used) : {}];
      }),
    );
    out.additionalProperties = false;
  } else if (typeof schema.additionalProperties === "object") {
    out.additionalProperties = prune(
      schema.additionalProperties,
      objects.flatMap((o) => Object.values(o)),
    );
  }
  if (schema.items) out.items = prune(schema.items, values.filter(Array.isArray).flat());
  return out;
}

async function main(file: string, chartVersion: string): Promise<void> {
  if (!file || !chartVersion) throw new Error("usage: tsx scripts/crd-schema-subset.ts <crds.yaml> <chart version>");
  const crds = parseAllDocuments(await readFile(file, "utf8"))
    .map((d) => d.toJS() as Crd | null)
    .filter((d): d is Crd => d?.kind === "CustomResourceDefinition");
  const objects = [];
  for (const { options } of renderVariants) objects.push(...kubeObjects((await render(options)).resources));
  const targets = [["gateway.envoyproxy.io", "EnvoyProxy"]];
  for (const [group, kind] of targets) {
    const crd = crds.find((c) => c.spec.group === group && c.spec.names.kind === kind);
    if (!crd) throw new Error(`${file} has no CRD for ${kind}.${group}`);
    const instances = objects.filter((o) => o.apiVersion.startsWith(`${group}/`) && o.kind === kind);
    const version = instances[0]?.apiVersion.split("/")[1];
    const served = crd.spec.versions.find((v) => v.name === version);
    if (!served) throw new Error(`${crd.metadata.name} does not serve ${version}`);
    const schema = {
      $comment: `Derived by scripts/crd-schema-subset.ts from CRD ${crd.metadata.name} ${version} of Envoy Gateway ${chartVersion} (envoyproxy/gateway, Apache-2.0)`,
      ...prune(served.schema.openAPIV3Schema, instances),
    };
    const out = new URL(`../infra/schemas/${crd.metadata.name}.json`, import.meta.url);
    writeFileSync(out, `${JSON.stringify(schema, null, 2)}\n`);
    console.error(`wrote ${out.pathname} from ${instances.length} ${kind} objects`);
  }
}

main(process.argv[2] ?? "", process.argv[3] ?? "").then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
