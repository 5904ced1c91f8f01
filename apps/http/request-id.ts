// Which request id a request is answered and logged under. Assigned where the request enters the
// server (apps/http/serve.ts), so the app, the load gate's 503 and the logs all use the same one.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** An incoming `x-request-id` is kept when it is 1-128 letters, digits, `_`, `-` or `=` (README). */
const keptRequestId = /^[\w\-=]{1,128}$/;

/** The caller's `x-request-id` when it may be kept, else a fresh UUID. */
export const requestIdFor = (incoming: string | string[] | undefined): string =>
  typeof incoming === "string" && keptRequestId.test(incoming) ? incoming : randomUUID();

const assigned = Symbol("moon.requestId");
type Tagged = IncomingMessage & { [assigned]?: string };

/** Gives the request its id, once, and returns it. */
export function assignRequestId(req: IncomingMessage): string {
  const tagged = req as Tagged;
  tagged[assigned] ??= requestIdFor(req.headers["x-request-id"]);
  return tagged[assigned];
}

/** The id `assignRequestId` gave, when the request came through the server (undefined otherwise). */
export const assignedRequestId = (req: IncomingMessage | undefined): string | undefined => (req as Tagged)?.[assigned];
