import type { Context } from "hono";
import { startTrace, type Trace } from "../runtime/trace.js";
import type { AppEnv } from "./app.js";

/**
 * The request's trace: an incoming valid `traceparent` is continued, otherwise one is started. Made
 * on first use, so only the routes that pass a request on (recording sales, queuing notifications) pay for it.
 */
export function requestTrace(c: Context<AppEnv>): Trace {
  let trace = c.get("trace");
  if (!trace) {
    trace = startTrace(c.get("requestId"), c.req.header("traceparent"));
    c.set("trace", trace);
  }
  return trace;
}
