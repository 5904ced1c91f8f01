import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { TestDatabase } from "../../../test/databases.js";
import { insertSaleRow } from "../../../test/sales/rows.js";
import { client, startOnFreshDatabase } from "../../../test/services.js";
import { demoAgents } from "../../db/demo-data.js";
import type { StartedService } from "../../http/service.js";
import { agentService } from "../service.js";

let db: TestDatabase;
let svc: StartedService;
let stop: () => Promise<void>;
const admin = () => client(svc.url, "admin");

const anura = demoAgents.find((a) => a.agentCode === "AGT004")!;

beforeAll(async () => {
  ({ db, svc, stop } = await startOnFreshDatabase(agentService));
});
afterAll(() => stop?.());

const countAgents = async () => {
  const [rows] = await db.handle.pool.query("SELECT COUNT(*) AS n FROM agents");
  return Number((rows as Array<{ n: number }>)[0]!.n);
};

describe("agents CRUD", () => {
  test("create, read, change, and the defaults a new agent gets", async () => {
    const created = await admin().call("POST", "/agents", anura);
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ ...anura, status: "active" });
    expect(Date.parse(body.createdAt)).not.toBeNaN();

    const read = await admin().call("GET", "/agents/AGT004");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(body);

    const changed = await admin().call("PATCH", "/agents/AGT004", { branch: "Kandy", phone: null });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ branch: "Kandy", phone: null, firstName: "Anura", team: "Alpha" });
    expect((await (await admin().call("GET", "/agents/AGT004")).json()).branch).toBe("Kandy");
  });

  test("a duplicate agent code is 409 and changes nothing", async () => {
    const before = await countAgents();
    const res = await admin().call("POST", "/agents", { ...anura, firstName: "Other" });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await res.json()).detail).toContain("AGT004");
    expect(await countAgents()).toBe(before);
    expect((await (await admin().call("GET", "/agents/AGT004")).json()).firstName).toBe("Anura");
  });

  test("unknown agents are 404 for read, change and delete", async () => {
    for (const [method, body] of [["GET"], ["PATCH", { team: "Beta" }], ["DELETE"]] as const) {
      const res = await admin().call(method, "/agents/NOPE1", body);
      expect(res.status, method).toBe(404);
      expect((await res.json()).status).toBe(404);
    }
  });

  test("delete removes an agent without sales", async () => {
    await admin().call("POST", "/agents", { ...anura, agentCode: "GONE1" });
    const res = await admin().call("DELETE", "/agents/GONE1");
    expect(res.status).toBe(204);
    expect((await admin().call("GET", "/agents/GONE1")).status).toBe(404);
  });

  test("delete deactivates, not deletes, an agent with recorded sales", async () => {
    await admin().call("POST", "/agents", { ...anura, agentCode: "SELLER" });
    await insertSaleRow(db, { saleRef: "S-1", agentCode: "SELLER", productCode: "LIFE-PLAT", amount: "125000.00" });
    const res = await admin().call("DELETE", "/agents/SELLER");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ deactivated: true, agent: { agentCode: "SELLER", status: "inactive" } });
    expect((await (await admin().call("GET", "/agents/SELLER")).json()).status).toBe("inactive");
  });
});

describe("validation: 400 naming each bad field, nothing stored", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["agentCode with a space", { ...anura, agentCode: "AG 1" }, "agentCode"],
    ["agentCode too long", { ...anura, agentCode: "A".repeat(33) }, "agentCode"],
    ["missing firstName", { ...anura, firstName: undefined }, "firstName"],
    ["blank lastName", { ...anura, lastName: "   " }, "lastName"],
    ["bad email", { ...anura, email: "not-an-email" }, "email"],
    ["bad phone", { ...anura, phone: "call me" }, "phone"],
    ["missing branch", { ...anura, branch: undefined }, "branch"],
    ["team not a string", { ...anura, team: 7 }, "team"],
    ["unknown status", { ...anura, status: "retired" }, "status"],
    ["unknown field", { ...anura, salary: 1 }, "(root)"],
  ];
  test.each(cases)("%s", async (_, body, field) => {
    const before = await countAgents();
    const res = await admin().call("POST", "/agents", {
      ...body,
      agentCode: body.agentCode === anura.agentCode ? "NEW01" : body.agentCode,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = await res.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(problem.requestId).toBeTruthy();
    expect(await countAgents()).toBe(before);
  });

  test("PATCH refuses an empty change and a change of the code", async () => {
    expect((await admin().call("PATCH", "/agents/AGT004", {})).status).toBe(400);
    const res = await admin().call("PATCH", "/agents/AGT004", { agentCode: "AGT999" });
    expect(res.status).toBe(400);
    expect((await admin().call("GET", "/agents/AGT999")).status).toBe(404);
  });

  test("malformed JSON is 400 and a wrong content type 415, never 500", async () => {
    const malformed = await admin().call("POST", "/agents", '{"agentCode": "X1",');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).detail).toMatch(/JSON/i);
    const wrongType = await admin().call("POST", "/agents", "agentCode=X1", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(wrongType.status).toBe(415);
  });

  test("bad query parameters are 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["status=retired", "status"],
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["cursor=garbage", "cursor"],
    ]) {
      const res = await admin().call("GET", `/agents?${query}`);
      expect(res.status, query).toBe(400);
      expect(
        (await res.json()).errors.map((e: { field: string }) => e.field),
        query,
      ).toContain(field);
    }
  });
});

describe("listing", () => {
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      await admin().call("POST", "/agents", {
        ...anura,
        agentCode: `L${String(i).padStart(3, "0")}`,
        branch: i % 2 ? "Galle" : "Matara",
        team: i % 3 ? "Beta" : "Delta",
        status: i % 5 ? "active" : "inactive",
      });
    }
  });

  test("pages cover every agent once, in code order, with filters applied", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await admin().call("GET", `/agents?branch=Galle&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = await res.json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      for (const a of page.items) expect(a.branch).toBe("Galle");
      seen.push(...page.items.map((a: { agentCode: string }) => a.agentCode));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    const expected = Array.from({ length: 25 }, (_, i) => i)
      .filter((i) => i % 2)
      .map((i) => `L${String(i).padStart(3, "0")}`);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));
  });

  test("team and status filters combine", async () => {
    const page = await (await admin().call("GET", "/agents?team=Delta&status=inactive&limit=200")).json();
    const codes = page.items.map((a: { agentCode: string }) => a.agentCode).filter((c: string) => c.startsWith("L"));
    expect(codes).toEqual(["L000", "L015"]);
  });

  test("limit is capped at 200", async () => {
    for (let i = 0; i < 190; i++) {
      await db.handle.pool.query(
        "INSERT INTO agents (agent_code, first_name, last_name, email, branch, team) VALUES (?, 'A', 'B', 'a@b.lk', 'Galle', 'Beta')",
        [`M${String(i).padStart(3, "0")}`],
      );
    }
    const page = await (await admin().call("GET", "/agents?limit=1000")).json();
    expect(page.items).toHaveLength(200);
    expect(page.nextCursor).not.toBeNull();
  });
});
