// `npm run bench -- <name> [flags]`: runs one benchmark; each prints figures and ratios against a
// baseline measured in the same run.
import { execFileSync } from "node:child_process";

const benchmarks: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  agent: () => import("./agent.js"),
  aggregator: () => import("./aggregator.js"),
  sales: () => import("./sales.js"),
};

const [name, ...args] = process.argv.slice(2);
const loadBench = name ? benchmarks[name] : undefined;
if (!loadBench) {
  console.error(`usage: npm run bench -- <${Object.keys(benchmarks).join("|")}> [flags]`);
  process.exit(64);
}
// Services are measured as the container runs them: compiled, from dist/.
execFileSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
await (await loadBench()).run(args);
process.exit(0);
