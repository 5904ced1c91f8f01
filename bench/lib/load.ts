// Shared benchmark machinery: start a program as a child process, load it with autocannon, read
// its peak memory. Every benchmark compares against a baseline measured in the same run.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  errors: number;
  non2xx: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  connections?: number;
  durationSeconds?: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Builds each request's body; called per request so bodies can be unique. */
  body?: () => string;
}

export async function load(o: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: o.url,
    connections: o.connections ?? 50,
    duration: o.durationSeconds ?? 10,
    method: o.method ?? "GET",
    headers: o.headers,
    ...(o.body ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: o.body!() }) }] } : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

export interface Child {
  process: ChildProcess;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** The NODE_OPTIONS the image sets (Dockerfile `ENV NODE_OPTIONS=…`), so services run as shipped. */
export function imageNodeOptions(): string {
  const match = /NODE_OPTIONS="([^"]*)"/.exec(readFileSync("Dockerfile", "utf8"));
  if (!match) throw new Error("the Dockerfile sets no NODE_OPTIONS");
  return match[1]!;
}

/**
 * Runs `node <script> …args` (through tsx for a .ts script; benchmarks of services run the compiled
 * program in dist/, as the container does) and resolves once `readyUrl` answers 200 (by default the
 * service's /ready on the PORT given in `env`).
 */
export async function startChild(
  args: string[],
  env: Record<string, string>,
  readyUrl = `http://127.0.0.1:${env.PORT}/ready`,
): Promise<Child> {
  const nodeArgs = args[0]?.endsWith(".ts") ? ["--import", "tsx", ...args] : args;
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 30_000;
  while (
    (await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    )) === false
  ) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) throw new Error(`${args.join(" ")} was not ready at ${readyUrl} within 30s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    peakRssMb: () => peakRssMb(child.pid!),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Prints a small aligned table of figures. */
export function report(title: string, rows: Array<[string, string | number]>): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
