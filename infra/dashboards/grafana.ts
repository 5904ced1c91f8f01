// Small pieces every dashboard shares: SQL targets (the SDK has builders for Prometheus queries, not
// for the SQL datasources), datasource variables, and a grid that places panels two to a line.

import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { DatasourceVariableBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import type { WarehouseDialect } from "./sql-dialect.js";

/** `${name}`: how a panel refers to a dashboard variable. */
export const variable = (name: string) => `\${${name}}`;

/** Datasource uids the program provisions; imported elsewhere, the variables pick any of the type. */
export const datasourceUids = { prometheus: "prometheus", warehouse: "moon-warehouse" } as const;

/** Grafana's plugin id for each warehouse dialect (Redshift: the Amazon Redshift plugin, pinned in infra). */
export const warehousePluginIds: Record<WarehouseDialect, string> = {
  mysql: "mysql",
  postgres: "grafana-postgresql-datasource",
  redshift: "grafana-redshift-datasource",
};

/** A target as Grafana stores it; `build()` is all a panel builder asks of it. */
class RawTarget implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: Record<string, unknown>) {}
  build(): cog.Dataquery {
    return { ...this.query } as unknown as cog.Dataquery;
  }
}

/** A raw SQL target for the warehouse datasource variable `$warehouse`. */
export function sqlTarget(dialect: WarehouseDialect, sql: string, format: "table" | "time_series") {
  const datasource = { type: warehousePluginIds[dialect], uid: variable("warehouse") };
  // The Redshift plugin names the field rawSQL and numbers its formats (0 time series, 1 table).
  if (dialect === "redshift") {
    return new RawTarget({ refId: "A", datasource, rawSQL: sql, format: format === "table" ? 1 : 0 });
  }
  return new RawTarget({ refId: "A", datasource, rawSql: sql, rawQuery: true, editorMode: "code", format });
}

export function datasourceVariable(name: string, label: string, pluginId: string, uid: string) {
  return new DatasourceVariableBuilder(name).label(label).type(pluginId).current({ text: uid, value: uid });
}

/** Grid positions: full-width rows, panels `width` wide (of 24) and 8 high, filled left to right. */
export function grid(width = 12, height = 8) {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return {
    row(): dashboard.GridPos {
      if (x > 0) {
        y += lineHeight;
        x = 0;
      }
      const pos = { x: 0, y, w: 24, h: 1 };
      y += 1;
      lineHeight = 0;
      return pos;
    },
    panel(w = width, h = height): dashboard.GridPos {
      if (x + w > 24) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      const pos = { x, y, w, h };
      x += w;
      lineHeight = Math.max(lineHeight, h);
      return pos;
    },
  };
}
