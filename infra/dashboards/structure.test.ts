// The shipped dashboards' JSON, as `npm run dashboards` writes it: unique panel ids, a datasource on
// every target, no panel without a query, every insight of the issue present, SQL free of what
// another dialect or Grafana would get wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeDashboards } from "./cli.js";
import { variable } from "./grafana.js";
import { salesKpiSections } from "./sales-kpi-panels.js";

const out = mkdtempSync(join(tmpdir(), "moon-dashboards-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<Record<string, unknown> & { datasource?: { type: string; uid: string } }>;
}

describe("npm run dashboards", () => {
  const written = writeDashboards(["--out", out, "--active-colour", "green", "--namespace", "shop"]);
  const boards = Object.fromEntries(
    readdirSync(out).map((f) => [
      f,
      JSON.parse(readFileSync(join(out, f), "utf8")) as { panels: Panel[]; [k: string]: unknown },
    ]),
  );

  it("writes the operations dashboard and a Sales KPI dashboard per warehouse dialect", () => {
    expect(written.map((p) => p.slice(out.length + 1)).sort()).toEqual([
      "moon-operations.json",
      "moon-sales-kpis-mysql.json",
      "moon-sales-kpis-postgres.json",
      "moon-sales-kpis-redshift.json",
    ]);
    expect(() => writeDashboards(["--out", out, "--warehouse", "oracle"])).toThrow(/--warehouse must be one of/);
    expect(() => writeDashboards([])).toThrow(/--out <dir> is required/);
  });

  it.each(Object.keys(boards))("%s: unique ids, every panel queried, a datasource on every target", (file) => {
    const board = boards[file]!;
    const ids = board.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(Object.values(boards).map((b) => b.uid)).size).toBe(Object.keys(boards).length);
    const panels = board.panels.filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThan(10);
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        expect(t.datasource?.uid, p.title).toMatch(/^\$\{(warehouse|prometheus)\}$/);
        expect(t.datasource?.type, p.title).toBeTruthy();
        expect(t.expr ?? t.rawSql ?? t.rawSQL, p.title).toEqual(expect.any(String));
      }
    }
    // Every datasource variable a target names is defined on the board.
    const variables = (board.templating as { list: Array<{ name: string; type: string }> }).list;
    for (const p of panels)
      for (const t of p.targets!) {
        const name = t.datasource!.uid.slice(2, -1);
        expect(variables.find((v) => v.name === name)?.type).toBe("datasource");
      }
  });

  it("the Sales KPI dashboards hold every insight, with each dialect's own SQL", () => {
    const titles = salesKpiSections.flatMap((s) => s.panels.map((p) => p.title));
    expect(titles.length).toBe(18);
    for (const dialect of ["mysql", "postgres", "redshift"]) {
      const board = boards[`moon-sales-kpis-${dialect}.json`]!;
      expect(board.panels.filter((p) => p.type !== "row").map((p) => p.title)).toEqual(titles);
      const sql = board.panels.flatMap((p) => p.targets ?? []).map((t) => String(t.rawSql ?? t.rawSQL));
      // No Grafana macros (they are not in every dialect's datasource), no placeholders, no PostgreSQL casts.
      for (const s of sql) expect(s).not.toMatch(/\$__|\?|::/);
      if (dialect === "redshift") {
        // Redshift dropped NOW() and CURRENT_TIMESTAMP (leader-node only, deprecated).
        for (const s of sql) expect(s).not.toMatch(/\bNOW\(\)|CURRENT_TIMESTAMP/i);
        expect(board.panels.flatMap((p) => p.targets ?? []).every((t) => t.format === 1 || t.format === 0)).toBe(true);
      }
      if (dialect === "mysql") for (const s of sql) expect(s).not.toMatch(/DATE_TRUNC|NOW\(\) AT TIME ZONE/);
    }
  });

  it("the operations dashboard filters every query by colour and shows the colour the program routes to", () => {
    const board = boards["moon-operations.json"]!;
    const exprs = board.panels.flatMap((p) => p.targets ?? []).map((t) => String(t.expr));
    for (const e of exprs) expect(e).toMatch(/\$colour/);
    const variables = (board.templating as { list: Array<{ name: string; query?: string }> }).list;
    expect(variables.find((v) => v.name === "active_colour")?.query).toBe("green");
    expect(variables.find((v) => v.name === "namespace")?.query).toBe("shop");
    expect(board.panels.some((p) => p.title.includes(variable("active_colour")))).toBe(true);
  });
});
