import type { Logger } from "./logger.js";

/** A background loop a program runs beside its main work (outbox relay, delivery worker, evaluator). */
export interface Worker {
  stop(): Promise<void>;
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
