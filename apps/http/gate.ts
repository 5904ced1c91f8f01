// What the HTTP server answers before a request reaches the app: overload (503 + Retry-After) and
// requests Node's HTTP parser refuses (400, 408, 431). Both in the services' problem+json format.
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import { ApiError, problemBody, statusTitle } from "./errors.js";
import { assignRequestId, requestIdFor } from "./request-id.js";

export interface LoadLimits {
  /** Requests being served at once past which new ones are refused. */
  maxInFlight: number;
  /**
   * Event-loop delay (the median over the last second) past which new requests are refused. The median:
   * one slow task (building the OpenAPI document) is not overload; a loop that is late all the time is.
   */
  maxEventLoopDelayMs: number;
}

/** Paths that are never refused: liveness must answer while the service is busy, and so must metrics. */
const alwaysServed = new Set(["/health", "/metrics"]);

/** Seconds a refused client is asked to wait (`Retry-After`). */
const retryAfterSeconds = 1;

const pathOf = (url: string | undefined) => (url ?? "/").split("?", 1)[0] ?? "/";

/**
 * Sheds load before it turns into minutes of latency: past `maxInFlight` requests in progress, or
 * while the event loop lags more than `maxEventLoopDelayMs`, a request is answered 503 at once. The
 * check is a counter and a number read from a sampled histogram: no work per request beyond that.
 */
export function loadGate(limits: LoadLimits) {
  let inFlight = 0;
  let delayMs = 0;
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  const sampler = setInterval(() => {
    delayMs = histogram.percentile(50) / 1e6;
    histogram.reset();
  }, 1_000);
  sampler.unref();
  let draining = false;
  let lastStart = Date.now();

  return {
    /** Serves the request through `next`, or refuses it with 503 when the service is overloaded. */
    handle(req: IncomingMessage, res: ServerResponse, next: (req: IncomingMessage, res: ServerResponse) => void) {
      // While draining, every answer closes its connection, so no client reuses one about to go.
      if (draining) res.shouldKeepAlive = false;
      lastStart = Date.now();
      const path = pathOf(req.url);
      if (alwaysServed.has(path)) return next(req, res);
      if (inFlight >= limits.maxInFlight || delayMs > limits.maxEventLoopDelayMs) {
        const requestId = assignRequestId(req);
        const reason =
          inFlight >= limits.maxInFlight
            ? `${inFlight} requests in progress`
            : `event loop ${Math.round(delayMs)} ms late`;
        const body = problemBody(
          new ApiError(503, "overloaded", `the service is overloaded (${reason}); retry after ${retryAfterSeconds} s`),
          path,
          requestId,
        );
        res.writeHead(503, {
          "content-type": "application/problem+json",
          "content-length": Buffer.byteLength(body),
          "retry-after": String(retryAfterSeconds),
          "x-request-id": requestId,
        });
        res.end(body);
        return;
      }
      inFlight++;
      res.once("close", () => inFlight--);
      next(req, res);
    },
    drain() {
      draining = true;
    },
    /**
     * Resolves once no request has started for `quietMs` (at most `maxMs`): connections a client opened
     * just before shutdown are served rather than reset when the listener closes.
     */
    async quiet(quietMs: number, maxMs: number): Promise<void> {
      const until = Date.now() + maxMs;
      while (Date.now() - lastStart < quietMs && Date.now() < until)
        await new Promise((r) => setTimeout(r, Math.min(quietMs, 100)));
    },
    stop() {
      clearInterval(sampler);
      histogram.disable();
    },
  };
}

/** Node's parser errors, as the status and problem code they mean. */
function parserProblem(code: string | undefined): ApiError {
  if (code === "HPE_HEADER_OVERFLOW")
    return new ApiError(431, "headers_too_large", "the request's headers are larger than the server accepts");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new ApiError(408, "timeout", "the request was not received in time");
  return new ApiError(400, "bad_request", "the request is not valid HTTP");
}

/**
 * The server's `clientError` handler: answers what Node's HTTP layer refuses (oversized headers, a
 * request that took too long, a malformed one) with problem+json and a request id, then closes.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing to answer on a connection the client already dropped, or once a response has started.
  if (err.code === "ECONNRESET" || !socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) {
    socket.destroy();
    return;
  }
  const requestId = requestIdFor(undefined);
  const problem = parserProblem(err.code);
  const body = problemBody(problem, "", requestId);
  socket.end(
    `HTTP/1.1 ${problem.status} ${statusTitle(problem.status)}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}
