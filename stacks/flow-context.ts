// What every command flow is given: the stack, the step log, and how to reach and judge the services.
import { acquireLock, type LockOptions } from "./release-lock.js";
import type { WaitOptions } from "./smoke.js";
import type { StackOps } from "./stack-ops.js";
import { errorMessage, type StepLog } from "./step-log.js";

export interface FlowContext {
  stack: StackOps;
  log: StepLog;
  /** Admin API key for smoke tests (from MOON_API_KEY); only flows that test need it. */
  apiKey?: string;
  /** Gateway base URL from --url or MOON_GATEWAY_URL; wins over the stack's `url` output. */
  gatewayUrl?: string;
  /** Prometheus base URL from --prometheus-url; wins over the stack's Prometheus behind the Kubernetes API. */
  prometheusUrl?: string;
  wait: WaitOptions;
  lock: LockOptions;
  /** Asks the operator; the CLI answers yes for --yes. */
  confirm: (question: string) => Promise<boolean>;
  /** Suffix of the smoke record's agent code, unique per run. */
  smokeId: () => string;
}

/** Runs `body` holding the stack's release lock, and always lets go of it. */
export async function withLock<T>(ctx: FlowContext, body: () => Promise<T>): Promise<T> {
  const lock = await ctx.log.step(
    `lock stack ${ctx.stack.name}`,
    () => acquireLock(ctx.stack, ctx.lock),
    (held) => (held.tookOver ? `took over an abandoned lock of ${held.tookOver.holder}` : `held by ${ctx.lock.holder}`),
  );
  try {
    return await body();
  } finally {
    await lock.release().catch((err: unknown) => {
      ctx.log.print(`warning: could not release the lock: ${err instanceof Error ? err.message : err}`);
    });
  }
}

/** Where traffic ended up, for the closing line of a flow's report; a flow updates it as it goes. */
export interface Outcome {
  text: string;
}

/**
 * Runs one command's flow under the release lock and closes the report with how it ended (`title`
 * succeeded / FAILED, and the outcome). True when the flow succeeded.
 */
export async function runFlow(
  ctx: FlowContext,
  title: string,
  body: (outcome: Outcome) => Promise<void>,
): Promise<boolean> {
  const outcome: Outcome = { text: "Nothing was changed." };
  try {
    await withLock(ctx, () => body(outcome));
    ctx.log.report(`${title} succeeded.`, outcome.text);
    return true;
  } catch (err) {
    ctx.log.report(`${title} FAILED: ${errorMessage(err)}`, outcome.text);
    return false;
  }
}

export async function confirmOrStop(ctx: FlowContext, question: string): Promise<void> {
  if (!(await ctx.confirm(question))) throw new Error("not confirmed; nothing was changed");
}
