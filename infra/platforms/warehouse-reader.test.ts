// The read-only warehouse user's grant scripts, run on the real MySQL-compatible server and PostgreSQL:
// the reader sees the tables that exist and those created later, and can change nothing.
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminMysqlUrl, adminPgUrl, freshPgDatabase } from "../../test/databases.js";
import { mysqlReaderScript, readerUser, selectGrants } from "./warehouse-reader.js";

const suffix = () => randomBytes(4).toString("hex");

describe("mysqlReaderScript on the real server", () => {
  const database = `moon_wr_${process.pid}_${suffix()}`;
  const other = `${database}_other`;
  let root: mysql.Connection;
  const asReader = (password: string) =>
    mysql.createConnection({ ...serverOf(adminMysqlUrl()), user: readerUser, password, database });

  beforeAll(async () => {
    root = await mysql.createConnection({ uri: adminMysqlUrl(), multipleStatements: true });
    await root.query(`DROP USER IF EXISTS '${readerUser}'@'%'`);
    for (const db of [database, other]) await root.query(`CREATE DATABASE \`${db}\``);
    await root.query(`CREATE TABLE \`${database}\`.sales_before (id INT PRIMARY KEY)`);
    await root.query(`INSERT INTO \`${database}\`.sales_before VALUES (1)`);
    await root.query(`CREATE TABLE \`${other}\`.secrets (id INT)`);
  });
  afterAll(async () => {
    await root.query(`DROP USER IF EXISTS '${readerUser}'@'%'`);
    for (const db of [database, other]) await root.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await root.end();
  });

  it("creates a reader (local MySQL) that reads the warehouse, present and future, and writes nothing", async () => {
    await root.query(mysqlReaderScript(database, "first-password"));
    await root.query(`CREATE TABLE \`${database}\`.sales_after (id INT)`);
    const reader = await asReader("first-password");
    try {
      expect((await reader.query("SELECT id FROM sales_before"))[0]).toEqual([{ id: 1 }]);
      expect((await reader.query("SELECT COUNT(*) AS n FROM sales_after"))[0]).toEqual([{ n: 0 }]);
      await expect(reader.query("INSERT INTO sales_before VALUES (2)")).rejects.toThrow(/denied/);
      await expect(reader.query("DROP TABLE sales_after")).rejects.toThrow(/denied/);
      await expect(reader.query(`SELECT * FROM \`${other}\`.secrets`)).rejects.toThrow(/denied/);
    } finally {
      await reader.end();
    }
  });

  it("runs again without error, and a new password replaces the old", async () => {
    await root.query(mysqlReaderScript(database, "second-password"));
    await expect(asReader("first-password")).rejects.toThrow(/denied/);
    const reader = await asReader("second-password");
    await reader.end();
  });

  it("takes away every other right of an existing user (DigitalOcean gives new users doadmin's)", async () => {
    await root.query(`GRANT ALL PRIVILEGES ON *.* TO '${readerUser}'@'%' WITH GRANT OPTION`);
    await root.query(mysqlReaderScript(database));
    const reader = await asReader("second-password");
    try {
      expect((await reader.query("SELECT id FROM sales_before"))[0]).toEqual([{ id: 1 }]);
      await expect(reader.query("INSERT INTO sales_before VALUES (3)")).rejects.toThrow(/denied/);
      await expect(reader.query(`SELECT * FROM \`${other}\`.secrets`)).rejects.toThrow(/denied/);
      await expect(reader.query(`CREATE DATABASE \`${database}_new\``)).rejects.toThrow(/denied/);
    } finally {
      await reader.end();
    }
  });
});

describe("selectGrants on the real PostgreSQL, run by the tables' owner", () => {
  const owner = `moon_owner_${suffix()}`;
  const reader = `moon_reader_${suffix()}`;
  let db: { url: string; drop(): Promise<void> };
  const as = async (user: string) => {
    const url = new URL(db.url);
    url.username = user;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    db = await freshPgDatabase();
    const admin = new pg.Client({ connectionString: adminPgUrl() });
    await admin.connect();
    for (const role of [owner, reader]) await admin.query(`CREATE ROLE "${role}" LOGIN`);
    await admin.end();
    // As on DigitalOcean: the owner may create in `public` (the warehouse-grants Job), the reader nothing.
    const dbAdmin = await as(new URL(adminPgUrl()).username);
    await dbAdmin.query(`GRANT CREATE, USAGE ON SCHEMA public TO "${owner}"`);
    await dbAdmin.end();
  });
  afterAll(async () => {
    await db.drop();
    const admin = new pg.Client({ connectionString: adminPgUrl() });
    await admin.connect();
    for (const role of [reader, owner]) await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
  });

  it("lets the reader read tables from before and after the grant, and change nothing", async () => {
    const asOwner = await as(owner);
    await asOwner.query("CREATE TABLE sales_before (id INT); INSERT INTO sales_before VALUES (1)");
    const script = selectGrants(reader, { owner, schemaUsage: false });
    await asOwner.query(script);
    // Twice: a re-run Job must not fail.
    await asOwner.query(script);
    await asOwner.query("CREATE TABLE sales_after (id INT)");
    await asOwner.end();

    const asReader = await as(reader);
    try {
      expect((await asReader.query("SELECT id FROM sales_before")).rows).toEqual([{ id: 1 }]);
      expect((await asReader.query("SELECT COUNT(*)::int AS n FROM sales_after")).rows).toEqual([{ n: 0 }]);
      await expect(asReader.query("INSERT INTO sales_before VALUES (2)")).rejects.toThrow(/permission denied/);
      await expect(asReader.query("CREATE TABLE mine (id INT)")).rejects.toThrow(/permission denied/);
    } finally {
      await asReader.end();
    }
  });
});

function serverOf(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306) };
}
