import { expect, test } from "vitest";
import { childSpan, formatTraceparent, parseTraceparent, startTrace } from "./trace.js";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const parentId = "00f067aa0ba902b7";

test("traceparent: what the W3C recommendation accepts and refuses", () => {
  expect(parseTraceparent(`00-${traceId}-${parentId}-01`)).toEqual({ traceId, parentId, flags: "01" });
  // A later version may append fields; its first four are read.
  expect(parseTraceparent(`cc-${traceId}-${parentId}-09-what-the-future-adds`)?.traceId).toBe(traceId);
  for (const bad of [
    undefined,
    "",
    `ff-${traceId}-${parentId}-01`,
    `00-${traceId}-${parentId}-01-extra`,
    `00-${traceId.toUpperCase()}-${parentId}-01`,
    `00-${"0".repeat(32)}-${parentId}-01`,
    `00-${traceId}-${"0".repeat(16)}-01`,
    `00-${traceId.slice(1)}-${parentId}-01`,
    `00_${traceId}_${parentId}_01`,
  ])
    expect(parseTraceparent(bad), String(bad)).toBeUndefined();
});

test("a valid incoming trace is continued in a new span; anything else starts a trace", () => {
  const continued = startTrace("req-1", `00-${traceId}-${parentId}-00`);
  expect(continued).toMatchObject({ requestId: "req-1", traceId, flags: "00" });
  expect(continued.spanId).toMatch(/^[0-9a-f]{16}$/);
  expect(continued.spanId).not.toBe(parentId);

  const started = startTrace("req-2", "garbage");
  expect(started.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(started.traceId).not.toBe(startTrace("req-3").traceId);
  expect(started.flags).toBe("01");

  const next = childSpan(started);
  expect(next.traceId).toBe(started.traceId);
  expect(next.spanId).not.toBe(started.spanId);
  expect(parseTraceparent(formatTraceparent(next))).toEqual({
    traceId: started.traceId,
    parentId: next.spanId,
    flags: "01",
  });
});
