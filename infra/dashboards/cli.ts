// `npm run dashboards -- --out <dir> [--warehouse mysql|postgres|redshift] [--active-colour blue|green]
// [--namespace moon]`: writes the dashboards as JSON files for importing into any Grafana.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dashboards, type WarehouseDialect } from "./index.js";

const dialects: WarehouseDialect[] = ["mysql", "postgres", "redshift"];

export function writeDashboards(argv: string[]): string[] {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string" },
      warehouse: { type: "string", multiple: true },
      "active-colour": { type: "string", default: "unknown" },
      namespace: { type: "string", default: "moon" },
    },
  });
  if (!values.out) throw new Error("--out <dir> is required: the directory to write the dashboards to");
  const warehouses = (values.warehouse ?? dialects) as WarehouseDialect[];
  for (const w of warehouses)
    if (!dialects.includes(w)) throw new Error(`--warehouse must be one of ${dialects.join(", ")}, not ${w}`);
  const files = dashboards({ warehouses, activeColour: values["active-colour"], namespace: values.namespace });
  mkdirSync(values.out, { recursive: true });
  return Object.entries(files).map(([name, board]) => {
    const path = join(values.out!, name);
    writeFileSync(path, `${JSON.stringify(board, null, 2)}\n`);
    return path;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    for (const path of writeDashboards(process.argv.slice(2))) console.log(path);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
}
