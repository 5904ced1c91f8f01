// Smoke tests a colour through the real gateway: API reads for every service, a marked record written,
// read back and removed, and the x-moon-colour response header proving which colour answered.
import type { Colour } from "../contract/index.js";
import { callGateway, type GatewayResponse, type GatewayTarget } from "./gateway-client.js";
import type { StepLog } from "./step-log.js";

/** One cheap list read per resource; each answers 200 `{ items, … }` when its service and database work. */
export const readChecks = [
  "/agents?limit=1",
  "/products?limit=1",
  "/sales?limit=1",
  "/targets",
  "/notifications?limit=1",
] as const;

export class SmokeFailed extends Error {
  constructor(readonly failures: string[]) {
    super(failures.length === 1 ? failures[0] : `${failures.length} checks failed: ${failures.join("; ")}`);
    this.name = "SmokeFailed";
  }
}

export interface WaitOptions {
  /** How long a colour may take to answer on every path (routes propagate, pods settle). */
  timeoutMs: number;
  pollMs: number;
}

/**
 * Waits until `colour` answers every read path, whatever the status: a gateway takes a moment to apply
 * a route change, so the first answers after an `up` may still come from the old colour. How well the
 * colour answers is the smoke checks' business, so a colour that answers with errors fails fast there.
 */
export async function waitForColour(target: GatewayTarget, colour: Colour, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let waiting: string[] = [];
  for (;;) {
    waiting = [];
    for (const path of readChecks) {
      const problem = await attempt(
        () => callGateway(target, "GET", path),
        (r) => answeredByColour(r, colour),
      );
      if (problem) waiting.push(`GET ${path}: ${problem}`);
    }
    if (waiting.length === 0) return;
    if (Date.now() + options.pollMs > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  throw new Error(`${colour} did not answer within ${options.timeoutMs / 1000}s: ${waiting.join("; ")}`);
}

/** Runs every check once, reporting each; throws SmokeFailed naming every check that failed. */
export async function runSmokeChecks(
  target: GatewayTarget,
  colour: Colour,
  smokeId: string,
  log: StepLog,
): Promise<void> {
  const failures: string[] = [];
  const check = async (
    label: string,
    call: () => Promise<GatewayResponse>,
    judge: (r: GatewayResponse) => string | null,
  ) => {
    const problem = await attempt(call, judge);
    log.detail(`${problem ? "✗" : "✓"} ${label}${problem ? `: ${problem}` : ""}`);
    if (problem) failures.push(`${label}: ${problem}`);
    return problem === null;
  };

  for (const path of readChecks) {
    await check(
      `GET ${path}`,
      () => callGateway(target, "GET", path),
      (r) => answeredBy(r, colour, 200) ?? hasItems(r),
    );
  }

  const agentCode = `SMOKE-${smokeId}`;
  const record = {
    agentCode,
    firstName: "Smoke",
    lastName: "Test",
    email: "smoke@example.invalid",
    branch: "Colombo",
    team: "Alpha",
  };
  const created = await check(
    `POST /agents ${agentCode}`,
    () => callGateway(target, "POST", "/agents", record),
    (r) => answeredBy(r, colour, 201),
  );
  if (created) {
    await check(
      `GET /agents/${agentCode}`,
      () => callGateway(target, "GET", `/agents/${agentCode}`),
      (r) =>
        answeredBy(r, colour, 200) ??
        (field(r.body, "agentCode") === agentCode ? null : "read back a different record"),
    );
    const removed = await check(
      `DELETE /agents/${agentCode}`,
      () => callGateway(target, "DELETE", `/agents/${agentCode}`),
      (r) => answeredBy(r, colour, 204),
    );
    if (removed) {
      await check(
        `GET /agents/${agentCode} after delete`,
        () => callGateway(target, "GET", `/agents/${agentCode}`),
        (r) => (r.status === 404 ? null : `expected 404, got ${r.status}`),
      );
    }
  }

  if (failures.length > 0) throw new SmokeFailed(failures);
}

function answeredBy(response: GatewayResponse, colour: Colour, status: number): string | null {
  if (response.status !== status) return `expected ${status}, got ${response.status}${problemDetail(response.body)}`;
  return answeredByColour(response, colour);
}

function answeredByColour(response: GatewayResponse, colour: Colour): string | null {
  if (response.colour === colour) return null;
  return `answered by ${response.colour ?? "no colour header"} (status ${response.status}), expected ${colour}`;
}

function hasItems(response: GatewayResponse): string | null {
  return Array.isArray(field(response.body, "items")) ? null : "body has no items list";
}

function field(body: unknown, name: string): unknown {
  return typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}

function problemDetail(body: unknown): string {
  const detail = field(body, "detail") ?? field(body, "title");
  return typeof detail === "string" ? ` (${detail})` : "";
}

/** A request that throws (refused, timed out) is a failed check, not a crashed release. */
async function attempt(
  call: () => Promise<GatewayResponse>,
  judge: (r: GatewayResponse) => string | null,
): Promise<string | null> {
  try {
    return judge(await call());
  } catch (err) {
    return err instanceof Error
      ? `request failed: ${err.cause instanceof Error ? err.cause.message : err.message}`
      : String(err);
  }
}
