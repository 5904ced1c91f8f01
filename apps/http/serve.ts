import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Logger } from "../runtime/logger.js";

export interface RunningServer {
  port: number;
  /** Stops accepting, waits for in-flight requests, then runs the close hooks in order. */
  shutdown(reason: string): Promise<void>;
}

export interface ServeOptions {
  fetch: (req: Request) => Response | Promise<Response>;
  port: number;
  hostname?: string;
  logger: Logger;
  /** Run after the HTTP server has drained: stop workers, close pools. */
  onClose: Array<() => Promise<void>>;
  shutdownTimeoutMs: number;
  /** Called as shutdown begins, so readiness can fail at once. */
  onDrain?: () => void;
}

export function serveHttp(o: ServeOptions): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve({ fetch: o.fetch, port: o.port, hostname: o.hostname }, (info: AddressInfo) => {
      o.logger.info({ port: info.port }, "listening");
      let closing: Promise<void> | undefined;
      const shutdown = (reason: string) =>
        (closing ??= (async () => {
          o.logger.info({ reason }, "shutting down: no new connections, draining in-flight requests");
          o.onDrain?.();
          const forced = setTimeout(() => {
            o.logger.warn("drain timed out; closing remaining connections");
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }, o.shutdownTimeoutMs);
          forced.unref();
          await new Promise<void>((done) => server.close(() => done()));
          clearTimeout(forced);
          for (const close of o.onClose) await close();
          o.logger.info("stopped");
        })());
      resolve({ port: info.port, shutdown });
    });
  });
}

/** Exits 0 after a clean shutdown on SIGTERM or SIGINT; 1 if shutting down itself failed. */
export function exitOnSignals(running: RunningServer, logger: Logger): void {
  const onSignal = (signal: NodeJS.Signals) => {
    running.shutdown(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
