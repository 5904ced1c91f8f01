// The operations dashboard's PromQL: parsed by promtool, and evaluated by a real Prometheus scraping a
// blue and a green agent, sales and notification service (real MariaDB) after traffic through both.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { agentService } from "../../apps/agent/service.js";
import { seedAgentData } from "../../apps/db/seed.js";
import type { StartedService } from "../../apps/http/service.js";
import { notificationService } from "../../apps/notification/service.js";
import { salesService } from "../../apps/sales/service.js";
import { type LocalPrometheus, startPrometheus } from "../../scripts/local-prometheus.js";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { eventually, sale } from "../../test/sales/harness.js";
import { client, startTestService, testKeys } from "../../test/services.js";
import { variable } from "./grafana.js";
import { operationsSections, type PromPanel } from "./operations-panels.js";

const services = ["agent", "sales", "notification"] as const;
const colours = ["blue", "green"] as const;

/** Grafana's substitution of the dashboard's variables (All colours; one service per repeated row). */
const expand = (expr: string, service: string) =>
  expr
    .replaceAll(variable("active_colour"), "blue")
    .replaceAll("$colour", "blue|green")
    .replaceAll("$service", service)
    .replaceAll("$namespace", "moon");

const panels = operationsSections.flatMap((s) => s.panels.map((p) => ({ ...p, repeated: Boolean(s.repeat) })));
/** Each query as Prometheus receives it: per service where the row repeats. */
const queries = (p: PromPanel & { repeated: boolean }) =>
  p.queries.flatMap((q) =>
    (p.repeated ? services : ["-"]).map((service) => ({ service, expr: expand(q.expr, service) })),
  );

describe("operations dashboard queries", () => {
  it("are valid PromQL (promtool check rules)", () => {
    const dir = mkdtempSync(join(tmpdir(), "moon-promql-"));
    try {
      const rules = panels.flatMap((p) =>
        queries(p).map((q, i) => ({ record: `dashboard:${p.key.replace(".", "_")}:${i}`, expr: q.expr })),
      );
      const file = join(dir, "dashboard.yml");
      writeFileSync(file, stringify({ groups: [{ name: "operations-dashboard", rules }] }));
      expect(execFileSync("promtool", ["check", "rules", file], { encoding: "utf8" })).toMatch(
        new RegExp(`SUCCESS: ${rules.length} rules found`),
      );
      // The check does fail on bad PromQL.
      writeFileSync(file, stringify({ groups: [{ name: "bad", rules: [{ record: "x", expr: "sum(rate(x[5m])" }] }] }));
      expect(() => execFileSync("promtool", ["check", "rules", file], { stdio: "pipe" })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("operations dashboard against a real Prometheus", () => {
  let db: TestDatabase;
  const started: StartedService[] = [];
  let prom: LocalPrometheus;

  beforeAll(async () => {
    db = await freshDatabase();
    await seedAgentData(db.handle);
    const targets = [];
    for (const colour of colours) {
      const notification = await startTestService(notificationService, db.url, {
        COLOUR: colour,
        NOTIFY_POLL_MS: "50",
      });
      const salesSvc = await startTestService(salesService, db.url, {
        COLOUR: colour,
        NOTIFICATION_URL: notification.url,
        NOTIFICATION_API_KEY: testKeys.integration,
        ALERT_POLL_MS: "50",
      });
      const agent = await startTestService(agentService, db.url, { COLOUR: colour });
      started.push(notification, salesSvc, agent);
      for (const [name, s] of [
        ["notification", notification],
        ["sales", salesSvc],
        ["agent", agent],
      ] as const)
        targets.push({ job: `${name}-${colour}`, address: new URL(s.url).host });
    }
    prom = await startPrometheus({ targets });
    await prom.waitForTargetsUp();

    // Traffic through both colours: sales recorded and refused, a target reached, agents read.
    await client(started[1]!.url, "admin").call("POST", "/targets", {
      scope: "team",
      key: "Alpha",
      period: "month",
      amount: "1000.00",
      milestones: [50, 100],
    });
    // Two rounds a few scrapes apart: a counter first seen already incremented has no rate until it moves again.
    for (const round of [0, 1]) {
      if (round) await new Promise((r) => setTimeout(r, 2_500));
      await traffic();
    }
  });

  async function traffic() {
    for (const i of colours.keys()) {
      const [notification, salesSvc, agent] = started.slice(i * 3, i * 3 + 3);
      const core = client(salesSvc!.url, "integration");
      for (let n = 0; n < 5; n++)
        expect((await core.call("POST", "/sales", sale({ amount: "300.00" }))).status).toBe(201);
      expect((await core.call("POST", "/sales", sale({ amount: "lots" }))).status).toBe(400);
      expect((await client(agent!.url, "viewer").call("GET", "/agents")).status).toBe(200);
      // Alerts reach one colour's notification service only (whichever relay claims them): read both.
      expect((await client(notification!.url, "viewer").call("GET", "/notifications")).status).toBe(200);
    }
  }

  afterAll(async () => {
    await prom?.stop();
    for (const s of started) await s.shutdown("test done");
    await db?.drop();
  });

  it("every panel fed by the services returns series, per colour where it groups by colour", async () => {
    const shown: string[] = [];
    for (const p of panels.filter((p) => p.dataFromServices)) {
      for (const q of queries(p)) {
        const samples = await eventually(async () => {
          const result = await prom.api.query(q.expr);
          const byColour =
            q.expr.startsWith("sum by (colour)") ||
            q.expr.startsWith("min by (colour)") ||
            q.expr.startsWith("(sum by (colour)");
          const wanted = p.key === "traffic.active" ? ["blue"] : byColour ? ["blue", "green"] : undefined;
          if (result.length === 0) return undefined;
          if (wanted?.some((c) => !result.some((s) => s.labels.colour === c))) return undefined;
          return result;
        }, 30_000).catch(() => []);
        expect([p.key, q.service, q.expr, samples.length > 0]).toEqual([p.key, q.service, q.expr, true]);
        shown.push(`${p.key}/${q.service}`);
      }
    }
    // The active colour's panel shows blue only; traffic by colour shows both, measured.
    const activeExpr = expand(panels.find((p) => p.key === "traffic.active")!.queries[0]!.expr, "-");
    const active = await eventually(async () => {
      const result = await prom.api.query(activeExpr);
      return result[0]?.value ? result : undefined;
    });
    expect(active.map((s) => s.labels.colour)).toEqual(["blue"]);
    expect(active[0]!.value).toBeGreaterThan(0);
    expect(shown.length).toBeGreaterThan(20);
  });
});
