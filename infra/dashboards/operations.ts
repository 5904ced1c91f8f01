// The operations dashboard (Prometheus): the sections of operations-panels.ts, with the colour
// variable on every query and the program's namespace and active colour baked in.
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  ConstantVariableBuilder,
  CustomVariableBuilder,
  DashboardBuilder,
  RowBuilder,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as Stat } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as Table } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeSeries } from "@grafana/grafana-foundation-sdk/timeseries";
import { datasourceUids, datasourceVariable, grid, variable } from "./grafana.js";
import { operationsSections, type PromPanel } from "./operations-panels.js";

export interface OperationsOptions {
  /** The colour the program routes to; "unknown" outside the program (npm run dashboards). */
  activeColour: string;
  namespace: string;
}

const all = { text: "All", value: "$__all" };

function panelBuilder(p: PromPanel): TimeSeries {
  const builder = p.viz === "stat" ? new Stat() : p.viz === "table" ? new Table() : new TimeSeries();
  return builder as unknown as TimeSeries;
}

export function operationsDashboard(o: OperationsOptions): dashboard.Dashboard {
  const layout = grid(8);
  const board = new DashboardBuilder("Moon operations")
    .uid("moon-operations")
    .description("Moon Agent Tracker services per colour, sales and notification pipelines, the aggregator.")
    .tags(["moon", "operations"])
    .editable()
    .time({ from: "now-3h", to: "now" })
    .refresh("30s")
    .withVariable(datasourceVariable("prometheus", "Prometheus", "prometheus", datasourceUids.prometheus))
    .withVariable(
      new CustomVariableBuilder("colour")
        .label("Colour")
        .values("blue,green")
        .multi(true)
        .includeAll(true)
        .allValue("blue|green")
        .current(all),
    )
    .withVariable(
      new CustomVariableBuilder("service")
        .label("Service")
        .values("agent,sales,notification")
        .multi(true)
        .includeAll(true)
        .current(all),
    )
    // Constants are hidden in Grafana's variable bar.
    .withVariable(new ConstantVariableBuilder("namespace").value(o.namespace))
    .withVariable(new ConstantVariableBuilder("active_colour").value(o.activeColour));
  const datasource = { type: "prometheus", uid: variable("prometheus") };
  let id = 0;
  for (const section of operationsSections) {
    const row = new RowBuilder(section.title).id(++id).gridPos(layout.row());
    if (section.repeat) row.repeat(section.repeat);
    board.withRow(row);
    for (const p of section.panels) {
      const panel = panelBuilder(p)
        .id(++id)
        .title(p.title)
        .description(p.description)
        .datasource(datasource)
        .gridPos(layout.panel());
      if (p.unit) panel.unit(p.unit);
      p.queries.forEach((q, i) => {
        panel.withTarget(
          new DataqueryBuilder()
            .refId(String.fromCharCode(65 + i))
            .datasource(datasource)
            .expr(q.expr)
            .legendFormat(q.legend)
            .range() as cog.Builder<cog.Dataquery>,
        );
      });
      board.withPanel(panel);
    }
  }
  return board.build();
}
