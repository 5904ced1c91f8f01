// Entry for `npm run release|promote|rollback|status`: wires the real stack and terminal to commands.ts.
import { createInterface } from "node:readline/promises";
import { main } from "./commands.js";

async function ask(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

process.exitCode = await main(process.argv.slice(2), {
  // Imported on use: the Automation API takes a moment to load, and --help should not wait for it.
  selectStack: async (name) => (await import("./automation-stack.js")).selectStack(name),
  env: process.env,
  print: (line) => console.log(line),
  printError: (line) => console.error(line),
  ask: process.stdin.isTTY ? ask : undefined,
});
