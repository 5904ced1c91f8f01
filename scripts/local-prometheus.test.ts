// The Prometheus harness against the real binary: it scrapes what it is given, answers PromQL, names a
// target that is down, and leaves nothing behind.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Registry } from "prom-client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { parse } from "yaml";
import { prometheusConfig, startPrometheus } from "./local-prometheus.js";

let server: Server;
let address: string;
const registry = new Registry();
const jobs = new Counter({ name: "harness_jobs_total", help: "test counter", registers: [registry] });

beforeAll(async () => {
  server = createServer(async (_req, res) => {
    res.setHeader("content-type", registry.contentType);
    res.end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

test("the generated config scrapes each target with its labels at the interval asked for", () => {
  const config = parse(
    prometheusConfig({
      targets: [
        { job: "agent", address: "127.0.0.1:8000", labels: { tier: "api" } },
        { job: "agent", address: "127.0.0.1:8100" },
        { job: "sales", address: "127.0.0.1:8001" },
      ],
      intervalSeconds: 2,
      ruleFiles: ["/tmp/rules.yml"],
    }),
  );
  expect(config.global.scrape_interval).toBe("2s");
  expect(config.rule_files).toEqual(["/tmp/rules.yml"]);
  expect(config.scrape_configs).toEqual([
    {
      job_name: "agent",
      metrics_path: "/metrics",
      static_configs: [{ targets: ["127.0.0.1:8000"], labels: { tier: "api" } }, { targets: ["127.0.0.1:8100"] }],
    },
    { job_name: "sales", metrics_path: "/metrics", static_configs: [{ targets: ["127.0.0.1:8001"] }] },
  ]);
});

test("scrapes live targets, names one that is down, evaluates PromQL, and cleans up on stop", async () => {
  const prom = await startPrometheus({
    targets: [
      { job: "harness", address, labels: { colour: "blue" } },
      { job: "gone", address: "127.0.0.1:1" },
    ],
  });
  try {
    await expect(prom.waitForTargetsUp(8_000)).rejects.toThrow(/127\.0\.0\.1:1\/metrics down/);
    jobs.inc(7);
    // The next scrape carries the new value; 1s interval.
    let samples = await prom.api.query('harness_jobs_total{colour="blue"}');
    for (let i = 0; i < 50 && samples[0]?.value !== 7; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      samples = await prom.api.query('harness_jobs_total{colour="blue"}');
    }
    expect(samples).toHaveLength(1);
    expect(samples[0]!.value).toBe(7);
    expect(samples[0]!.labels).toMatchObject({ job: "harness", instance: address, colour: "blue" });
    const targets = await prom.api.activeTargets();
    expect(targets.map((t) => [t.labels.job, t.health, t.scrapeIntervalSeconds]).sort()).toEqual([
      ["gone", "down", 1],
      ["harness", "up", 1],
    ]);
    await expect(prom.api.query("sum(")).rejects.toThrow(/answered 400: .*parse error/);
  } finally {
    await prom.stop();
  }
  expect(existsSync(prom.dir)).toBe(false);
  await expect(prom.api.query("up")).rejects.toThrow(/unreachable/);
});
