// The Sales KPI dashboard for one warehouse dialect: a row per section of sales-kpi-panels.ts, each
// panel one insight, its SQL generated for the dialect.

import { PanelBuilder as BarChart } from "@grafana/grafana-foundation-sdk/barchart";
import { PanelBuilder as BarGauge } from "@grafana/grafana-foundation-sdk/bargauge";
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import { ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { DashboardBuilder, RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as PieChart } from "@grafana/grafana-foundation-sdk/piechart";
import { PanelBuilder as Stat } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as Table } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeSeries } from "@grafana/grafana-foundation-sdk/timeseries";
import { datasourceUids, datasourceVariable, grid, sqlTarget, warehousePluginIds } from "./grafana.js";
import { salesKpiSections, type WarehousePanel } from "./sales-kpi-panels.js";
import { sqlDialects, type WarehouseDialect } from "./sql-dialect.js";

/** Every row of the result, not one reduced value (bar gauges and pies list the rows). */
const allRows = () => new ReduceDataOptionsBuilder().values(true).calcs([]);

function panelBuilder(p: WarehousePanel): cog.Builder<dashboard.Panel> & {
  id(id: number): unknown;
  gridPos(pos: dashboard.GridPos): unknown;
} {
  switch (p.viz) {
    case "table":
      return new Table();
    case "timeseries":
      return new TimeSeries();
    case "barchart":
      return new BarChart().xField(p.xField ?? "");
    case "bargauge":
      return new BarGauge().reduceOptions(allRows());
    case "piechart":
      return new PieChart().reduceOptions(allRows());
    case "stat":
      return new Stat().reduceOptions(allRows());
  }
}

export function salesKpiDashboard(dialect: WarehouseDialect): dashboard.Dashboard {
  const d = sqlDialects[dialect];
  const layout = grid();
  const board = new DashboardBuilder("Sales KPIs")
    .uid(`moon-sales-kpis-${dialect}`)
    .description(`Moon Agent Tracker: sales and notification KPIs from the ${dialect} warehouse the aggregator loads.`)
    .tags(["moon", "warehouse", dialect])
    .editable()
    .time({ from: "now-30d", to: "now" })
    .refresh("5m")
    .withVariable(datasourceVariable("warehouse", "Warehouse", warehousePluginIds[dialect], datasourceUids.warehouse));
  let id = 0;
  for (const section of salesKpiSections) {
    board.withRow(new RowBuilder(section.title).id(++id).gridPos(layout.row()));
    for (const p of section.panels) {
      const panel = panelBuilder(p) as unknown as Table;
      panel
        .id(++id)
        .title(p.title)
        .description(p.description)
        .gridPos(layout.panel())
        .withTarget(sqlTarget(dialect, p.sql(d), p.format));
      if (p.unit) panel.unit(p.unit);
      if (p.matrix) panel.withTransformation({ id: "groupingToMatrix", options: p.matrix });
      board.withPanel(panel);
    }
  }
  return board.build();
}
