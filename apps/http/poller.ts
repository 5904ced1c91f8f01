import type { Logger } from "./logger.js";
import type { Worker } from "./service.js";

/** How a worker spaces out retries of one item: doubling from `retryBaseMs`, capped at `retryMaxMs`. */
export interface RetryPolicy {
  retryBaseMs: number;
  retryMaxMs: number;
}

/** Wait before the next try after `attempts` failed ones. */
export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.retryBaseMs * 2 ** Math.max(0, attempts - 1), policy.retryMaxMs);
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
}

/**
 * Runs `round` until stopped: back to back while rounds come back full (a backlog), otherwise every
 * `intervalMs`, so a trickle of work is gathered into few rounds rather than chased one item at a
 * time; errors are logged, never fatal (the database may be away for a while). `stop` waits for the
 * round in progress, so SIGTERM never cuts a delivery off between sending and recording it.
 */
export function startPoller(o: PollerOptions): Worker {
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.intervalMs);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    while (!stopped) {
      let handled = 0;
      try {
        handled = await o.round();
      } catch (err) {
        o.logger.warn(
          { err: { message: (err as Error).message, code: (err as { code?: string }).code } },
          `${o.name}: round failed`,
        );
      }
      if (handled < o.batchSize && !stopped) await pause();
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
