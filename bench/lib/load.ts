// Shared benchmark machinery: start a program as a child process, load it with wrk, read its peak
// memory. Every benchmark compares against a baseline measured in the same run.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  total: number;
}

export interface LoadOptions {
  url: string;
  connections?: number;
  durationSeconds?: number;
  headers?: Record<string, string>;
  /**
   * A Lua `request = function() … end` for wrk, building each request (e.g. a POST with a unique
   * body); plain GETs of `url` without it. A function is called once per load (e.g. for fresh keys).
   */
  luaRequest?: string | (() => string);
}

const workDir = mkdtempSync(join(tmpdir(), "moon-bench-"));

// wrk's `done` hook: the figures as one JSON line.
const reportLua = `
done = function(summary, latency, requests)
  io.write(string.format('\\nWRK_JSON {"requests":%d,"durationUs":%d,"errors":%d,"status":%d,"p50Us":%d,"p99Us":%d}\\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50), latency:percentile(99)))
end
`;

/** Fails early, saying how to get wrk, when it is not installed. */
export function requireWrk(): void {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
  } catch (err) {
    // wrk prints its usage and exits 1 on --version; only a missing binary is an error.
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(
        "the HTTP benchmarks need wrk (npm run bench installs it on Debian as root): sudo apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS)",
      );
  }
}

/** Loads `url` with wrk (2 threads: the machine's cores), returning rate, latency and failures. */
export function load(o: LoadOptions): Promise<LoadResult> {
  const script = join(workDir, `load-${process.hrtime.bigint()}.lua`);
  const lua = typeof o.luaRequest === "function" ? o.luaRequest() : (o.luaRequest ?? "");
  writeFileSync(script, `${lua}\n${reportLua}`);
  const args = [
    "-t2",
    `-c${o.connections ?? 50}`,
    `-d${o.durationSeconds ?? 10}s`,
    "--timeout=10s",
    "-s",
    script,
    ...Object.entries(o.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
    o.url,
  ];
  return new Promise((resolve, reject) => {
    const wrk = spawn("wrk", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    wrk.stdout.on("data", (c: Buffer) => (out += c.toString()));
    wrk.on("error", reject);
    wrk.on("exit", (code) => {
      const line = /WRK_JSON (.*)/.exec(out)?.[1];
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      const r = JSON.parse(line) as Record<string, number>;
      resolve({
        requestsPerSecond: r.requests! / (r.durationUs! / 1e6),
        p50Ms: r.p50Us! / 1000,
        p99Ms: r.p99Us! / 1000,
        errors: r.errors!,
        non2xx: r.status!,
        total: r.requests!,
      });
    });
  });
}

export interface Rounds {
  peer: LoadResult;
  service: LoadResult;
  /** Each round's service/peer throughput ratio. */
  ratios: number[];
  /** Requests the service served while warming up (its log has a line for each). */
  serviceWarmRequests: number;
}

export interface AlternateOptions {
  rounds: number;
  /**
   * Load on each side before measuring. The service runs far more JavaScript than the peer: measured
   * here, its CPU per request stays ~40 % above its steady state for the first ~15 s of load while V8
   * optimises it; the peer settles within 3 s. The comparison is of the steady state.
   */
  warmupSeconds: number;
  /** Run after each service load, so work it left behind (a backlog) is not billed to the next peer round. */
  afterService?: () => Promise<void>;
}

/**
 * Warms both up, then loads the peer and the service in alternating rounds, so both see the same
 * share of a machine others are using; rates are totals over all rounds, p99 the mean of the rounds' p99s.
 */
export async function alternate(o: AlternateOptions, peer: LoadOptions, service: LoadOptions): Promise<Rounds> {
  await load({ ...peer, durationSeconds: o.warmupSeconds });
  const warm = await load({ ...service, durationSeconds: o.warmupSeconds });
  await o.afterService?.();
  const peers: LoadResult[] = [];
  const services: LoadResult[] = [];
  for (let i = 0; i < o.rounds; i++) {
    peers.push(await load(peer));
    services.push(await load(service));
    await o.afterService?.();
  }
  return {
    peer: combine(peers),
    service: combine(services),
    ratios: services.map((s, i) => ratio(s.requestsPerSecond, peers[i]!.requestsPerSecond)),
    serviceWarmRequests: warm.total,
  };
}

/** `--rounds`, `--seconds` and `--warmup` from the benchmark's arguments (defaults 3, 10 and 15). */
export const roundFlags = (args: string[]) => ({
  rounds: numberFlag(args, "rounds", 3),
  seconds: numberFlag(args, "seconds", 10),
  warmupSeconds: numberFlag(args, "warmup", 15),
});

function combine(results: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const round1 = (n: number) => Math.round(n * 10) / 10;
  return {
    requestsPerSecond: sum((r) => r.requestsPerSecond) / results.length,
    p50Ms: round1(sum((r) => r.p50Ms) / results.length),
    p99Ms: round1(sum((r) => r.p99Ms) / results.length),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    total: sum((r) => r.total),
  };
}

export interface Child {
  process: ChildProcess;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** What the program wrote to stdout (its log lines), when `logFile` was asked for. */
  logFile?: string;
  /** The first lines it wrote to stderr (why it failed requests). */
  stderrHead(): string;
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
 * service's /ready on the PORT given in `env`). With `logToFile`, stdout goes to a file, as a
 * container runtime keeps it, so the request log can be counted afterwards.
 */
export async function startChild(
  args: string[],
  env: Record<string, string>,
  readyUrl = `http://127.0.0.1:${env.PORT}/ready`,
  logToFile = false,
): Promise<Child> {
  const nodeArgs = args[0]?.endsWith(".ts") ? ["--import", "tsx", ...args] : args;
  const logFile = logToFile ? join(workDir, `${env.PORT}-${Date.now()}.log`) : undefined;
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env },
    stdio: ["ignore", logFile ? openSync(logFile, "w") : "ignore", "pipe"],
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
    logFile,
    stderrHead: () => stderr.split("\n").slice(0, 3).join("\n"),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
      }),
  };
}

/** Request log lines in a service's log file (`"msg":"request"`). */
export function countRequestLines(logFile: string): number {
  return readFileSync(logFile, "utf8").split('"msg":"request"').length - 1;
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

/** `--name=value` from the benchmark's arguments, as a number. */
export const numberFlag = (args: string[], name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);

export const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Prints a small aligned table of figures. */
export function report(title: string, rows: Array<[string, string | number]>): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

/** The rows every peer benchmark prints: throughput and p99 of both sides, their ratios against the goals. */
export function peerComparison(r: Rounds): Array<[string, string | number]> {
  return [
    ["peer req/s", Math.round(r.peer.requestsPerSecond)],
    ["service req/s", Math.round(r.service.requestsPerSecond)],
    [
      "ratio service/peer",
      `${ratio(r.service.requestsPerSecond, r.peer.requestsPerSecond)} (goal >= 0.75; rounds ${r.ratios.join(", ")})`,
    ],
    ["peer p99 ms", r.peer.p99Ms],
    ["service p99 ms", `${r.service.p99Ms} (${ratio(r.service.p99Ms, r.peer.p99Ms)}x the peer's; goal <= 1.5x)`],
    ["peer / service errors, non-2xx", `${r.peer.errors}, ${r.peer.non2xx} / ${r.service.errors}, ${r.service.non2xx}`],
  ];
}

/** The minimal peer (bench/peer.ts) for one path, on its own database, with the image's Node options. */
export function startPeer(path: "agent" | "sales", port: number, databaseUrl: string, key: string): Promise<Child> {
  return startChild(
    ["bench/peer.ts", path],
    { PORT: String(port), DATABASE_URL: databaseUrl, PEER_KEY: key, NODE_OPTIONS: imageNodeOptions() },
    `http://127.0.0.1:${port}/ready`,
  );
}
