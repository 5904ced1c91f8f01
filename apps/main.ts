// One entry for every program in the image: `node dist/apps/main.js <program>`.
import { ConfigError } from "./runtime/env.js";

const programs: Record<string, () => Promise<{ run: () => Promise<void> }>> = {
  agent: () => import("./agent/main.js"),
  sales: () => import("./sales/main.js"),
  notification: () => import("./notification/main.js"),
  aggregator: () => import("./aggregator/main.js"),
  migrate: () => import("./db/main.js"),
};

const name = process.argv[2];
const load = name ? programs[name] : undefined;
if (!load) {
  console.error(`usage: main <program>; programs: ${Object.keys(programs).join(", ")}`);
  process.exit(64);
}

try {
  await (await load()).run();
} catch (err) {
  if (err instanceof ConfigError) console.error(`${name}: ${err.message}`);
  else console.error(`${name}: failed:`, err instanceof Error ? err.message : err);
  process.exit(1);
}
