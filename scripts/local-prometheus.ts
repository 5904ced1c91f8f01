// A real Prometheus on this machine (Debian's `prometheus` package; scripts/ensure-prometheus.sh installs
// it): tests start one to scrape the processes they run and to evaluate PromQL; `npm run dev` starts one
// beside the services.
//
//   const prom = await startPrometheus({ targets: [{ job: "agent", address: "127.0.0.1:8000" }] });
//   await prom.waitForTargetsUp();
//   const samples = await prom.api.query('sum(rate(http_requests_total[1m]))');
//   await prom.stop();
//
// Every run gets its own temporary directory (config, rule files, TSDB) and port, so parallel tests
// never share one; stop() ends the process and removes the directory.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { stringify } from "yaml";
import { type PrometheusApi, prometheusAt } from "../stacks/prometheus-api.js";

export interface ScrapeTarget {
  /** Scrape job name; becomes the `job` label. */
  job: string;
  /** host:port serving `/metrics`. */
  address: string;
  /** Extra target labels, added to every series scraped from it. */
  labels?: Record<string, string>;
  metricsPath?: string;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Scrape and rule evaluation interval; short, so tests see new samples quickly. Default 1. */
  intervalSeconds?: number;
  /** Rule files (YAML text, keyed by a file name) loaded with the config, e.g. rendered PrometheusRules. */
  rules?: Record<string, string>;
  /** Listen port; a free one when absent. */
  port?: number;
  /** The binary; default: PROMETHEUS_BIN, else `prometheus` on PATH. */
  binary?: string;
}

export interface LocalPrometheus {
  url: string;
  api: PrometheusApi;
  /** The temporary directory holding prometheus.yml, the rule files and the TSDB. */
  dir: string;
  /** Waits until every target has been scraped successfully (health "up"); throws naming those that are not. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The `prometheus` binary to run, or undefined when there is none. */
export function prometheusBinary(): string | undefined {
  if (process.env.PROMETHEUS_BIN) return process.env.PROMETHEUS_BIN;
  try {
    return execFileSync("sh", ["-c", "command -v prometheus"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** prometheus.yml text: one static scrape job per target name, every target scraped each interval. */
export function prometheusConfig(options: {
  targets: ScrapeTarget[];
  intervalSeconds?: number;
  ruleFiles?: string[];
}): string {
  const interval = `${options.intervalSeconds ?? 1}s`;
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const target of options.targets) jobs.set(target.job, [...(jobs.get(target.job) ?? []), target]);
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    ...(options.ruleFiles?.length ? { rule_files: options.ruleFiles } : {}),
    scrape_configs: [...jobs].map(([job, targets]) => ({
      job_name: job,
      metrics_path: targets[0]?.metricsPath ?? "/metrics",
      static_configs: targets.map((t) => ({ targets: [t.address], ...(t.labels ? { labels: t.labels } : {}) })),
    })),
  });
}

export async function startPrometheus(options: PrometheusOptions): Promise<LocalPrometheus> {
  const binary = options.binary ?? prometheusBinary();
  if (!binary) {
    throw new Error("no prometheus binary: run `bash scripts/ensure-prometheus.sh` (or set PROMETHEUS_BIN)");
  }
  const dir = await mkdtemp(join(tmpdir(), "moon-prometheus-"));
  try {
    const ruleFiles: string[] = [];
    for (const [name, text] of Object.entries(options.rules ?? {})) {
      const path = join(dir, basename(name));
      await writeFile(path, text);
      ruleFiles.push(path);
    }
    const config = prometheusConfig({ ...options, ruleFiles });
    await writeFile(join(dir, "prometheus.yml"), config);
    // A port found free may be taken before Prometheus binds it; a second try with another one is enough.
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await launch(binary, dir, port, options.targets.length);
      } catch (err) {
        if (options.port !== undefined || attempt >= 3 || !/address already in use/.test(String(err))) throw err;
      }
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launch(binary: string, dir: string, port: number, targetCount: number): Promise<LocalPrometheus> {
  const child = spawn(
    binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=1d",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const api = prometheusAt(url);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntil(
      async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok === true,
      30_000,
      () => failedToStart(child, log),
    );
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    throw err;
  }

  return {
    url,
    api,
    dir,
    async waitForTargetsUp(timeoutMs = 30_000) {
      let notUp = "no targets discovered yet";
      // Prometheus hands new targets to the scraper a few seconds after start.
      await waitUntil(
        async () => {
          const targets = await api.activeTargets();
          const down = targets.filter((t) => t.health !== "up");
          notUp =
            targets.length < targetCount
              ? `${targets.length} of ${targetCount} targets discovered`
              : down.map((t) => `${t.scrapeUrl} ${t.health}${t.lastError ? ` (${t.lastError})` : ""}`).join("; ");
          return targets.length >= targetCount && down.length === 0;
        },
        timeoutMs,
        () => failedToStart(child, log),
      ).catch((err: Error) => {
        throw new Error(`Prometheus targets not up within ${timeoutMs / 1000}s: ${notUp}. ${err.message}`);
      });
    },
    stop,
  };
}

/** Polls `ready` every 200 ms until it holds; stops early when `dead()` names why it never will. */
async function waitUntil(ready: () => Promise<boolean>, timeoutMs: number, dead: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = dead();
    if (reason) throw new Error(reason);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000}s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function failedToStart(child: ChildProcess, log: string): string | null {
  if (child.exitCode === null && child.signalCode === null) return null;
  return `prometheus exited (${child.signalCode ?? child.exitCode}): ${log.trim().split("\n").slice(-5).join(" | ")}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
