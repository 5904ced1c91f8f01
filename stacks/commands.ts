// Parses a command line and runs the command; everything it touches comes in through CliDeps.
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { FlowContext } from "./flow-context.js";
import { help, overview } from "./help.js";
import { promote } from "./promote.js";
import { release } from "./release.js";
import { rollback } from "./rollback.js";
import type { StackOps } from "./stack-ops.js";
import { printStatus, readStatus } from "./status.js";
import { errorMessage, type Print, StepLog } from "./step-log.js";

export interface CliDeps {
  selectStack: (name: string) => Promise<StackOps>;
  env: Record<string, string | undefined>;
  print: Print;
  printError: Print;
  /** Asks a yes/no question on a terminal; absent when there is none. */
  ask?: (question: string) => Promise<boolean>;
  /** Poll and lock timings; the defaults suit real clusters, tests shorten them. */
  timing?: { pollMs: number; lockSettleMs: number };
}

const usageError = 2;
const defaultWaitSeconds = 180;
const staleLockMs = 2 * 60 * 60 * 1000;

const options = {
  stack: { type: "string", short: "s" },
  image: { type: "string" },
  url: { type: "string" },
  "prometheus-url": { type: "string" },
  yes: { type: "boolean" },
  wait: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const allowed: Record<string, string[]> = {
  release: ["stack", "image", "yes", "wait", "url", "prometheus-url", "help"],
  promote: ["stack", "yes", "wait", "url", "prometheus-url", "help"],
  rollback: ["stack", "yes", "help"],
  status: ["stack", "json", "help"],
};

class UsageError extends Error {}

export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") {
    deps.print(overview);
    return command ? 0 : usageError;
  }
  const commandHelp = help[command];
  if (!commandHelp) {
    deps.printError(`unknown command "${command}"\n\n${overview}`);
    return usageError;
  }
  try {
    const args = parse(command, rest);
    if (args.help) {
      deps.print(commandHelp);
      return 0;
    }
    return await run(command, args, deps);
  } catch (err) {
    if (err instanceof UsageError) {
      deps.printError(`${command}: ${err.message}\nrun with --help for usage`);
      return usageError;
    }
    // Failures before a flow starts (no pulumi CLI, unknown stack): a message, not a stack trace.
    deps.printError(`${command} failed: ${errorMessage(err)}`);
    return 1;
  }
}

type Args = ReturnType<typeof parse>;

function parseOrUsageError(argv: string[]) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}

function parse(command: string, argv: string[]) {
  const values = parseOrUsageError(argv);
  for (const given of Object.keys(values)) {
    if (!allowed[command]?.includes(given)) throw new UsageError(`--${given} is not an option of ${command}`);
  }
  return values;
}

async function run(command: string, args: Args, deps: CliDeps): Promise<number> {
  const stackName = required(args.stack, "--stack");
  if (command === "status") {
    const status = await readStatus(await deps.selectStack(stackName));
    if (args.json) deps.print(JSON.stringify(status, null, 2));
    else printStatus(status, deps.print);
    return 0;
  }

  const needsSmokeTests = command === "release" || command === "promote";
  const image = command === "release" ? required(args.image, "--image") : "";
  const apiKey = deps.env.MOON_API_KEY;
  if (needsSmokeTests && !apiKey)
    throw new UsageError("MOON_API_KEY is not set; the smoke tests need an admin API key");
  const waitSeconds = args.wait === undefined ? defaultWaitSeconds : Number(args.wait);
  if (!(waitSeconds > 0)) throw new UsageError(`--wait must be a positive number of seconds, not ${args.wait}`);
  // An empty MOON_GATEWAY_URL (an unset CI variable) means "use the stack's url output".
  const gatewayUrl = needsSmokeTests ? (args.url ?? (deps.env.MOON_GATEWAY_URL || undefined)) : undefined;
  if (gatewayUrl !== undefined) checkBaseUrl(gatewayUrl, args.url === undefined ? "MOON_GATEWAY_URL" : "--url");
  const prometheusUrl = args["prometheus-url"];
  if (prometheusUrl !== undefined) checkBaseUrl(prometheusUrl, "--prometheus-url");

  const log = new StepLog(deps.print);
  const stack = await log.step(`select stack ${stackName}`, () => deps.selectStack(stackName));
  const ctx: FlowContext = {
    stack,
    log,
    apiKey,
    gatewayUrl,
    prometheusUrl,
    wait: { timeoutMs: waitSeconds * 1000, pollMs: deps.timing?.pollMs ?? 2000 },
    lock: { holder: holder(deps.env), settleMs: deps.timing?.lockSettleMs ?? 3000, staleAfterMs: staleLockMs },
    confirm: confirmer(args.yes, deps.ask),
    smokeId: () => Math.random().toString(36).slice(2, 10).toUpperCase(),
  };
  const succeeded =
    command === "release"
      ? await release(ctx, image)
      : command === "promote"
        ? await promote(ctx)
        : await rollback(ctx);
  return succeeded ? 0 : 1;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function checkBaseUrl(value: string, source: string): void {
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
    throw new UsageError(`${source} must be an http:// or https:// base URL, not ${JSON.stringify(value)}`);
  }
}

function confirmer(yes: boolean | undefined, ask: CliDeps["ask"]): FlowContext["confirm"] {
  if (yes) return async () => true;
  if (ask) return ask;
  return async () => {
    throw new Error("no terminal to ask on: pass --yes to run unattended");
  };
}

/** Names the run holding the lock, so whoever is refused knows whom to ask. */
function holder(env: CliDeps["env"]): string {
  if (env.GITHUB_RUN_ID) {
    return `GitHub Actions run ${env.GITHUB_RUN_ID} of ${env.GITHUB_REPOSITORY ?? "?"} by ${env.GITHUB_ACTOR ?? "?"}`;
  }
  return `${userInfo().username}@${hostname()} (pid ${process.pid})`;
}
