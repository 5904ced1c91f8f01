// `npm run render -- <stack> [--set key=value …] [--resources]`: the program under mocks, printed.
import { parseArgs } from "node:util";
import { toResourceList, toYaml } from "./objects.js";
import { render } from "./render.js";

const usage = "usage: npm run render -- <stack> [--set key=value …] [--resources]";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { set: { type: "string", multiple: true }, resources: { type: "boolean" }, help: { type: "boolean" } },
  });
  const stack = positionals[0];
  if (values.help || !stack || positionals.length > 1) {
    console.error(usage);
    return values.help ? 0 : 64;
  }
  const set: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const at = pair.indexOf("=");
    if (at < 1) {
      console.error(`--set ${pair}: expected key=value\n${usage}`);
      return 64;
    }
    set[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const { resources } = await render({ stack, set });
  const text = values.resources ? `${JSON.stringify(toResourceList(resources), null, 2)}\n` : toYaml(resources);
  // Exit only once a piped stdout has taken everything: process.exit would cut it at the pipe's buffer.
  await new Promise<void>((done) => process.stdout.write(text, () => done()));
  return 0;
}

// `npm run render -- … | head` closes the pipe early: the reader has what it wanted, not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
