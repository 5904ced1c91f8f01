// Every metric an alert rule names is one some program exposes: the services' own, read from the
// /metrics of real agent, sales and notification services (real MariaDB), or kube-state-metrics'
// documented series. A misspelt or renamed metric would otherwise make an alert that never fires.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentService } from "../../../apps/agent/service.js";
import type { StartedService } from "../../../apps/http/service.js";
import { notificationService } from "../../../apps/notification/service.js";
import { salesService } from "../../../apps/sales/service.js";
import { freshDatabase, type TestDatabase } from "../../../test/databases.js";
import { scrape } from "../../../test/metrics.js";
import { startTestService, testKeys } from "../../../test/services.js";
import { alertRuleGroups, kubeStateMetricsSeries } from "./rules.js";

const groups = alertRuleGroups({
  namespace: "moon",
  aggregatorSchedule: "*/5 * * * *",
  runbookBaseUrl: "README.md",
  maxP99Seconds: 1,
});
const rules = groups.flatMap((g) => g.rules);
const recorded = new Set(rules.flatMap((r) => ("record" in r ? [r.record] : [])));

const keywords = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers, label
 * lists (by, on, group_left…), ranges and function calls are taken out.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !keywords.has(n.toLowerCase())))];
}

describe("metric names in an expression", () => {
  it.each([
    [
      'sum by (service, le) (rate(http_request_duration_seconds_bucket{route!~"/a|/b"}[5m]))',
      ["http_request_duration_seconds_bucket"],
    ],
    ['a:b:ratio_rate5m{x="1"} > (14.4 * 0.005)\nand\nc_total offset 5m > 0', ["a:b:ratio_rate5m", "c_total"]],
    ['x * on (namespace, job_name) group_left (owner_name) y{owner_kind="CronJob"} == bool 1e3', ["x", "y"]],
    ['time() - max by (ns) (z) > 600 unless on (ns) w{a="b{c}"}', ["z", "w"]],
  ])("%s", (expr, names) => {
    expect(metricNames(expr).sort()).toEqual([...names].sort());
  });
});

describe("every metric an alert rule names", () => {
  const named = [...new Set(rules.flatMap((r) => metricNames(r.expr)))].filter((n) => !recorded.has(n)).sort();
  const external = named.filter((n) => n.startsWith("kube_"));
  const ours = named.filter((n) => !n.startsWith("kube_"));

  let db: TestDatabase;
  const started: StartedService[] = [];
  let exposed: Set<string>;

  beforeAll(async () => {
    db = await freshDatabase();
    const notification = await startTestService(notificationService, db.url);
    started.push(notification);
    started.push(
      await startTestService(salesService, db.url, {
        NOTIFICATION_URL: notification.url,
        NOTIFICATION_API_KEY: testKeys.integration,
      }),
    );
    started.push(await startTestService(agentService, db.url));
    exposed = new Set();
    for (const service of started) {
      // One request first, so the HTTP histogram has series to show.
      expect((await fetch(`${service.url}/health`)).status).toBe(200);
      for (const sample of (await scrape(service.url)).samples) exposed.add(sample.name);
    }
  });

  afterAll(async () => {
    for (const s of started) await s.shutdown("test done");
    await db?.drop();
  });

  it("is found in the rules: the services' metrics and kube-state-metrics' both", () => {
    expect(ours).toEqual(
      expect.arrayContaining(["http_requests_total", "moon_database_up", "moon_notification_deliveries_total"]),
    );
    expect(external).toEqual(expect.arrayContaining(["kube_cronjob_status_last_successful_time", "kube_job_owner"]));
    // Recording rules are read by name, and each is defined in the same rules.
    for (const r of rules) for (const n of metricNames(r.expr)) if (n.includes(":")) expect(recorded).toContain(n);
  });

  it("is exposed by a running service, when it is one of ours", () => {
    const unexposed = (names: string[]) => names.filter((n) => !exposed.has(n));
    expect(unexposed(ours)).toEqual([]);
    // The check sees a misspelling.
    expect(unexposed([...ours, "moon_target_outbox_pending_total"])).toEqual(["moon_target_outbox_pending_total"]);
  });

  it("is a documented kube-state-metrics series, when it is one of kube-state-metrics'", () => {
    expect(external.filter((n) => !kubeStateMetricsSeries.includes(n))).toEqual([]);
  });
});
