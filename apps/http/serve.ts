import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, type HttpBindings } from "@hono/node-server";
import type { Logger } from "../runtime/logger.js";
import { answerClientError, type LoadLimits, loadGate } from "./gate.js";
import { assignRequestId } from "./request-id.js";

/** What the app's fetch receives beside the request: Node's request and response (@hono/node-server). */
export type { HttpBindings as NodeBindings } from "@hono/node-server";

/**
 * Slow clients cannot hold sockets for long: headers must arrive within 10 s and the whole request
 * within 30 s (Node's defaults are 60 s and 300 s); an idle keep-alive connection closes after 5 s.
 */
export const serverTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

export interface RunningServer {
  port: number;
  /** Stops accepting, waits for in-flight requests, then runs the close hooks in order. */
  shutdown(reason: string): Promise<void>;
}

export interface ServeOptions {
  fetch: (req: Request, env: HttpBindings) => Response | Promise<Response>;
  /**
   * Headers every response carries (the colour). Set here, with `x-request-id`, on Node's response
   * rather than in the app: a header set in Hono makes it build a Headers object per response, and
   * the adapter then copy it back into Node's form (a large share of a small request's work).
   */
  responseHeaders?: Readonly<Record<string, string>>;
  port: number;
  hostname?: string;
  logger: Logger;
  /** Run after the HTTP server has drained: stop workers, close pools. */
  onClose: Array<() => Promise<void>>;
  shutdownTimeoutMs: number;
  /** Called as shutdown begins, so readiness can fail at once. */
  onDrain?: () => void;
  load: LoadLimits;
}

export function serveHttp(o: ServeOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const gate = loadGate(o.load);
    const app = getRequestListener((req, env) => o.fetch(req, env as HttpBindings));
    const fixedHeaders = Object.entries(o.responseHeaders ?? {});
    const server = createServer(
      {
        headersTimeout: serverTimeouts.headersTimeoutMs,
        requestTimeout: serverTimeouts.requestTimeoutMs,
        // How often Node looks for requests past those timeouts (30 s by default).
        connectionsCheckingInterval: 1_000,
      },
      (req, res) => {
        for (const [name, value] of fixedHeaders) res.setHeader(name, value);
        res.setHeader("x-request-id", assignRequestId(req));
        gate.handle(req, res, app);
      },
    );
    server.keepAliveTimeout = serverTimeouts.keepAliveTimeoutMs;
    server.on("clientError", answerClientError);
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => {
      const info = server.address() as AddressInfo;
      o.logger.info({ port: info.port }, "listening");
      let closing: Promise<void> | undefined;
      const shutdown = (reason: string) =>
        (closing ??= (async () => {
          o.logger.info({ reason }, "shutting down: no new connections, draining in-flight requests");
          o.onDrain?.();
          gate.drain();
          // In the cluster the pre-stop pause has already stopped new traffic, so this returns at once.
          await gate.quiet(1_000, 5_000);
          const forced = setTimeout(() => {
            o.logger.warn("drain timed out; closing remaining connections");
            server.closeAllConnections();
          }, o.shutdownTimeoutMs);
          forced.unref();
          await new Promise<void>((done) => server.close(() => done()));
          clearTimeout(forced);
          gate.stop();
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
