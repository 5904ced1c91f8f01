import type { Logger } from "./logger.js";
import { backoffMs } from "./retry.js";

/** A background loop a program runs beside its main work (outbox relay, delivery worker, evaluator). */
export interface Worker {
  stop(): Promise<void>;
}

/**
 * What to log about an error: its message and code, and those of its causes. Drizzle wraps a driver
 * error as "Failed query: …", and the reason (e.g. `1264 Out of range value`) is only on the cause.
 */
export function describeError(err: unknown): { message: string; code?: string; errno?: number } {
  const messages: string[] = [];
  let code: string | undefined;
  let errno: number | undefined;
  for (let e: unknown = err; e && typeof e === "object" && messages.length < 5; e = (e as { cause?: unknown }).cause) {
    const { message, code: c, errno: n } = e as { message?: string; code?: unknown; errno?: unknown };
    if (message) messages.push(message);
    if (typeof c === "string") code = c;
    if (typeof n === "number") errno = n;
  }
  if (messages.length === 0) messages.push(String(err));
  return { message: messages.join(" <- "), ...(code ? { code } : {}), ...(errno !== undefined ? { errno } : {}) };
}

export interface PollerOptions {
  name: string;
  logger: Logger;
  /** Pause between rounds that found nothing to do. */
  intervalMs: number;
  /** Most items one round takes on. */
  batchSize: number;
  /** One round of work; returns how many items it handled. */
  round: () => Promise<number>;
  /** Most a run of failed rounds backs off to (doubling from `intervalMs`); 30 s when left out. */
  maxBackoffMs?: number;
}

/**
 * Runs `round` until stopped: back to back while rounds come back full (a backlog), otherwise every
 * `intervalMs`, so a trickle of work is gathered into few rounds rather than chased one item at a
 * time; errors are logged with their causes, never fatal (the database may be away for a while), and a
 * run of failed rounds backs off. `stop` waits for the
 * round in progress, so SIGTERM never cuts a delivery off between sending and recording it.
 */
export function startPoller(o: PollerOptions): Worker {
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let handled = 0;
      try {
        handled = await o.round();
        failures = 0;
      } catch (err) {
        failures++;
        const retryInMs = backoffMs(failures, { retryBaseMs: o.intervalMs, retryMaxMs: o.maxBackoffMs ?? 30_000 });
        o.logger.warn({ err: describeError(err), failures, retryInMs }, `${o.name}: round failed`);
        if (!stopped) await pause(retryInMs);
        continue;
      }
      if (handled < o.batchSize && !stopped) await pause(o.intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
