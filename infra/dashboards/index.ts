// Every dashboard this project ships, as Grafana JSON keyed by file name: what the program puts in
// ConfigMaps for Grafana's sidecar and what `npm run dashboards` writes.
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { operationsDashboard } from "./operations.js";
import { salesKpiDashboard } from "./sales-kpis.js";
import type { WarehouseDialect } from "./sql-dialect.js";

export interface DashboardOptions {
  /** The warehouse dialects to build the Sales KPI dashboard for. */
  warehouses: WarehouseDialect[];
  activeColour: string;
  namespace: string;
}

export function dashboards(o: DashboardOptions): Record<string, dashboard.Dashboard> {
  const files: Record<string, dashboard.Dashboard> = {
    "moon-operations.json": operationsDashboard({ activeColour: o.activeColour, namespace: o.namespace }),
  };
  for (const w of o.warehouses) files[`moon-sales-kpis-${w}.json`] = salesKpiDashboard(w);
  return files;
}

export type { WarehouseDialect } from "./sql-dialect.js";
