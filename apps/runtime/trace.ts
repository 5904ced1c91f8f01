// Following one request: its request id and W3C trace context (https://www.w3.org/TR/trace-context/)
// travel with the rows it leads to (progress event, alert, notification) and the calls made for them.
import { randomUUID } from "node:crypto";

export interface Trace {
  /** The `x-request-id` of the request that started it all. */
  requestId: string;
  /** 32 lowercase hex digits, the same on every hop. */
  traceId: string;
  /** 16 lowercase hex digits: this hop's span (the parent-id of the next hop's). */
  spanId: string;
  /** trace-flags, 2 hex digits; 01 = sampled. */
  flags: string;
}

const header = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The trace-id, parent-id and flags of a `traceparent` header, or undefined when it is not valid. */
export function parseTraceparent(
  value: string | null | undefined,
): { traceId: string; parentId: string; flags: string } | undefined {
  const m = value ? header.exec(value) : null;
  if (!m) return undefined;
  const [, version, traceId, parentId, flags, rest] = m as unknown as [string, string, string, string, string, string?];
  // Version ff is forbidden; version 00 has nothing after the flags; later versions may add fields.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, flags };
}

// From randomUUID, which draws on a cached entropy pool: about twenty times cheaper than randomBytes
// per id. 122 of a trace id's 128 bits are random; a span id is the UUID's last 8 bytes (never zero).
const newTraceId = () => randomUUID().replace(/-/g, "");
const newSpanId = () => newTraceId().slice(16);

/** This service's span of a request: continues a valid incoming `traceparent`, else starts a trace. */
export function startTrace(requestId: string, traceparent?: string | null): Trace {
  const parent = parseTraceparent(traceparent);
  return {
    requestId,
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
    flags: parent?.flags ?? "01",
  };
}

/** A new span of the same trace, for a call this hop makes. */
export const childSpan = (t: Trace): Trace => ({ ...t, spanId: newSpanId() });

/** The `traceparent` header value (always version 00, as this implementation speaks it). */
export const formatTraceparent = (t: Trace) => `00-${t.traceId}-${t.spanId}-${t.flags}`;

/** The trace stored with a row, if the row has one. */
export function storedTrace(row: { requestId?: string | null; traceparent?: string | null }): Trace | undefined {
  const parent = parseTraceparent(row.traceparent);
  if (!row.requestId || !parent) return undefined;
  return { requestId: row.requestId, traceId: parent.traceId, spanId: parent.parentId, flags: parent.flags };
}

/** What a traced row stores in its trace columns (apps/db/schema/columns.ts). */
export const traceValues = (t: Trace | undefined) => ({
  requestId: t?.requestId ?? null,
  traceparent: t ? formatTraceparent(t) : null,
});

/** The fields every log line on a request's path carries, to find them all by one id. */
export const traceFields = (t: Trace | undefined) =>
  t ? { requestId: t.requestId, traceId: t.traceId, spanId: t.spanId } : {};

/** The headers that make the next hop continue this span's trace (with this span as its parent). */
export function traceHeaders(t: Trace | undefined): Record<string, string> {
  return t ? { "x-request-id": t.requestId, traceparent: formatTraceparent(t) } : {};
}
