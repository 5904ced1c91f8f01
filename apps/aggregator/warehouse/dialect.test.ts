// Connection settings and DDL per dialect: what cannot be checked against a live Redshift here.
import { describe, expect, it } from "vitest";
import { reaches } from "../snapshot.js";
import { warehouseDdl } from "./ddl.js";
import { mysqlDialect } from "./mysql.js";
import { numberPlaceholders, postgresClientConfig, postgresDialect, redshiftDialect } from "./postgres.js";

describe("redshift:// and postgres:// URLs", () => {
  it("default Redshift to port 5439 and TLS, PostgreSQL to 5432 without", () => {
    const rs = postgresClientConfig("redshift://loader:s%40cret@wh.example:/analytics");
    expect(rs.dialect).toBe(redshiftDialect);
    expect(rs.config).toMatchObject({
      host: "wh.example",
      port: 5439,
      user: "loader",
      password: "s@cret",
      database: "analytics",
      ssl: { rejectUnauthorized: false },
    });
    const pgc = postgresClientConfig("postgres://u@db:6543/w");
    expect(pgc.dialect).toBe(postgresDialect);
    expect(pgc.config).toMatchObject({ port: 6543, ssl: false });
  });

  it("follow sslmode, verifying the server with the given CA", () => {
    const { config } = postgresClientConfig("redshift://u:p@wh:5439/dev?sslmode=verify-full", { caCert: "PEM" });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, ca: "PEM" });
    expect(postgresClientConfig("redshift://u:p@wh/dev?sslmode=disable").config.ssl).toBe(false);
    expect(() => postgresClientConfig("redshift://u:p@wh/dev?sslmode=prefer")).toThrow(/sslmode/);
    expect(() => postgresClientConfig("redshift://u:p@wh:5439/")).toThrow(/names no database/);
  });
});

describe("SQL per dialect", () => {
  it("numbers placeholders for the PostgreSQL protocol", () => {
    expect(numberPlaceholders("INSERT INTO t (a, b) VALUES (?,?),(?,?)")).toBe(
      "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4)",
    );
  });

  it("sizes Redshift's VARCHARs in bytes and keeps exact decimals everywhere", () => {
    const rs = warehouseDdl(redshiftDialect).join("\n");
    expect(rs).toMatch(/branch VARCHAR\(256\) NOT NULL/);
    expect(rs).not.toMatch(/SERIAL|IDENTITY|AUTO_INCREMENT|INDEX|DATETIME/);
    for (const d of [mysqlDialect, postgresDialect, redshiftDialect]) {
      const ddl = warehouseDdl(d).join("\n");
      expect(ddl).toMatch(/total_amount DECIMAL\(20,2\) NOT NULL/);
      expect(ddl).not.toMatch(/FLOAT|DOUBLE|REAL/);
    }
    expect(warehouseDdl(mysqlDialect).join("\n")).toMatch(/snapshot_at DATETIME\(3\) NOT NULL/);
  });

  it("compares totals with targets exactly", () => {
    expect(reaches("120000.00", "120000.00")).toBe(true);
    expect(reaches("119999.99", "120000.00")).toBe(false);
    expect(reaches("90000000000000000.01", "90000000000000000.00")).toBe(true);
    expect(reaches("0.5", "0.49")).toBe(true);
  });
});
