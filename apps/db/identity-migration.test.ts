// Migration 0008 (exact codes and names) on a database holding rows written before it: codes in any
// case, and names the old collation merged (`😀`/`🦄`, `Colombo`/`colombo`). It must apply, keep every
// row, put codes in upper case, keep names as written, compare exactly afterwards, keep the foreign
// keys, and mark the days whose warehouse facts change so the aggregator recomputes them.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "drizzle-orm/mysql2/migrator";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { migrationsFolder, runMigrations } from "./migrate.js";

const before = "0008_exact_codes_and_names";
let db: TestDatabase;
let migratedAt: Date;

const q = async <T>(sql: string, values: unknown[] = []) => (await db.handle.pool.query(sql, values))[0] as T[];
const column = async <T>(sql: string) => (await q<Record<string, T>>(sql)).map((r) => Object.values(r)[0] as T);

/** Applies the committed migrations that come before `tag`, as a database deployed then would hold. */
async function migrateUpTo(tag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "moon-migrations-"));
  try {
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalPath = join(dir, "meta", "_journal.json");
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: Array<{ idx: number; tag: string }> };
    const cut = journal.entries.findIndex((e) => e.tag === tag);
    expect(cut).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, cut);
    writeFileSync(journalPath, JSON.stringify(journal));
    await migrate(db.handle.db, { migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  db = await freshDatabase({ migrate: false });
  await migrateUpTo(before);
  const insert = (sql: string, rows: unknown[][]) => db.handle.pool.query(sql, [rows]);
  await insert("INSERT INTO agents (agent_code, first_name, last_name, email, branch, team) VALUES ?", [
    ["agt050", "Smile", "Team", "s@moon.lk", "Colombo", "😀"],
    ["Agt051", "Unicorn", "Team", "u@moon.lk", "colombo", "🦄"],
  ]);
  await insert("INSERT INTO products (product_code, type, name, target_amount) VALUES ?", [
    ["life-x", "life", "Life X", "100.00"],
  ]);
  await insert("INSERT INTO agent_products (agent_code, product_code) VALUES ?", [
    ["agt050", "life-x"],
    ["AGT051", "LIFE-X"],
  ]);
  // 2024-03-01: two sales the old collation grouped as one (same day, agent, product, branch; 😀 = 🦄).
  // 2024-03-02: a sale already in canonical form, whose day must not be marked.
  await insert("INSERT INTO sales (sale_ref, agent_code, product_code, amount, sale_date, branch, team) VALUES ?", [
    ["OLD-1", "agt050", "life-x", "10.00", "2024-03-01", "Colombo", "😀"],
    ["OLD-2", "AGT050", "LIFE-X", "20.00", "2024-03-01", "Colombo", "🦄"],
    ["OLD-3", "AGT051", "LIFE-X", "30.00", "2024-03-02", "Galle", "Beta"],
  ]);
  await insert("INSERT INTO targets (scope, target_key, period, amount) VALUES ?", [
    ["agent", "agt050", "month", "100.00"],
    ["product", "Life-X", "month", "100.00"],
    ["team", "😀", "month", "100.00"],
  ]);
  // Old rows' updated_at in the past, so the migration's stamp is visible.
  await insert("INSERT INTO notifications (recipient, type, message, created_at, updated_at) VALUES ?", [
    ["agt050", "CUSTOM", "a", "2024-03-01 10:00:00", "2024-03-01 10:00:00"],
    ["product:life-x", "CUSTOM", "b", "2024-03-02 10:00:00", "2024-03-02 10:00:00"],
    ["team:😀", "CUSTOM", "c", "2024-03-03 10:00:00", "2024-03-03 10:00:00"],
    ["team:🦄", "CUSTOM", "d", "2024-03-03 11:00:00", "2024-03-03 11:00:00"],
    ["team:Beta", "CUSTOM", "e", "2024-03-04 10:00:00", "2024-03-04 10:00:00"],
  ]);
  await insert("INSERT INTO target_alerts (target_id, period_start, milestone, recipient, type, message) VALUES ?", [
    [1, "2024-03-01", 100, "agt050", "TARGET_ACHIEVED", "x"],
    [3, "2024-03-01", 100, "team:😀", "TARGET_ACHIEVED", "y"],
  ]);
  migratedAt = new Date(Date.now() - 1000);
  await runMigrations(db.handle);
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

test("every code and name column compares exactly (utf8mb4_bin)", async () => {
  const collations = await q<{ t: string; c: string; collation: string }>(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLLATION_NAME AS collation FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IN ('agent_code', 'product_code', 'team', 'branch', 'target_key', 'recipient')
      ORDER BY t, c`,
  );
  expect(collations.length).toBe(13);
  expect(collations.filter((r) => r.collation !== "utf8mb4_bin")).toEqual([]);
});

test("codes are in upper case everywhere and no row was lost", async () => {
  expect(await column("SELECT agent_code FROM agents ORDER BY agent_code")).toEqual(["AGT050", "AGT051"]);
  expect(await column("SELECT product_code FROM products")).toEqual(["LIFE-X"]);
  expect(await column("SELECT CONCAT(agent_code, '/', product_code) FROM agent_products ORDER BY 1")).toEqual([
    "AGT050/LIFE-X",
    "AGT051/LIFE-X",
  ]);
  expect(
    await column("SELECT CONCAT(sale_ref, ' ', agent_code, ' ', product_code) FROM sales ORDER BY sale_ref"),
  ).toEqual(["OLD-1 AGT050 LIFE-X", "OLD-2 AGT050 LIFE-X", "OLD-3 AGT051 LIFE-X"]);
  expect(await column("SELECT target_key FROM targets ORDER BY id")).toEqual(["AGT050", "LIFE-X", "😀"]);
  expect(await column("SELECT recipient FROM notifications ORDER BY id")).toEqual([
    "AGT050",
    "product:LIFE-X",
    "team:😀",
    "team:🦄",
    "team:Beta",
  ]);
  expect(await column("SELECT recipient FROM target_alerts ORDER BY id")).toEqual(["AGT050", "team:😀"]);
});

test("names are kept as written and now tell apart what the old collation merged", async () => {
  expect(await column("SELECT team FROM sales GROUP BY team ORDER BY team")).toHaveLength(3);
  expect(await column("SELECT branch FROM agents GROUP BY branch")).toHaveLength(2);
  // A 🦄 target beside the 😀 one was a duplicate key before.
  await db.handle.pool.query(
    "INSERT INTO targets (scope, target_key, period, amount) VALUES ('team', '🦄', 'month', 1)",
  );
  expect(await column("SELECT target_key FROM targets WHERE scope = 'team' ORDER BY id")).toEqual(["😀", "🦄"]);
});

test("the foreign keys are back and enforced", async () => {
  expect(
    await column(
      "SELECT CONSTRAINT_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1",
    ),
  ).toEqual(["agent_products_agent_code_agents_agent_code_fk", "agent_products_product_code_products_product_code_fk"]);
  // A lower-case reference is no longer the agent.
  await expect(
    db.handle.pool.query("INSERT INTO agent_products (agent_code, product_code) VALUES ('agt050', 'LIFE-X')"),
  ).rejects.toThrow(/foreign key/i);
  await db.handle.pool.query("DELETE FROM agents WHERE agent_code = 'AGT051'");
  expect(await column("SELECT agent_code FROM agent_products")).toEqual(["AGT050"]);
});

test("days whose warehouse facts change are marked for the aggregator, and only those", async () => {
  const marked = await column<string>(
    "SELECT DISTINCT DATE_FORMAT(sale_date, '%Y-%m-%d') FROM sale_changes ORDER BY 1",
  );
  // 03-01 merged two teams and held lower-case codes; 03-02 held one canonical sale, so it stays.
  expect(marked).toEqual(["2024-03-01"]);
  const stamped = await q<{ recipient: string; updated_at: Date }>(
    "SELECT recipient, updated_at FROM notifications ORDER BY id",
  );
  const fresh = stamped.filter((r) => r.updated_at >= migratedAt).map((r) => r.recipient);
  expect(fresh).toEqual(["AGT050", "product:LIFE-X", "team:😀", "team:🦄"]);
});
