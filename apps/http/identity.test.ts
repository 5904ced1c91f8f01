// Identity rules for codes and names, the same in every service (docs/domain.md, "Identity"): codes are
// case-insensitive and kept in upper case; names are NFC-normalised and otherwise exact, so emoji,
// accents and case tell names apart. Real agent, sales and notification services on one database.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eventually, type SalesHarness, sale, startSalesWithNotification } from "../../test/sales/harness.js";
import { type Client, client, startTestService } from "../../test/services.js";
import { agentService } from "../agent/service.js";
import type { StartedService } from "./service.js";

let h: SalesHarness & { notification: StartedService };
let agentSvc: StartedService;
let agent: Client;
let notifications: Client;

beforeAll(async () => {
  h = await startSalesWithNotification();
  agentSvc = await startTestService(agentService, h.db.url);
  agent = client(agentSvc.url, "admin");
  notifications = client(h.notification.url, "admin");
}, 60_000);

afterAll(async () => {
  await agentSvc?.shutdown("test done");
  await h?.stop();
});

let agents = 0;
/** A new active agent in `team`, authorised for LIFE-PLAT; returns its code. */
async function agentIn(team: string, branch = "Colombo"): Promise<string> {
  const agentCode = `IDT${String(++agents).padStart(3, "0")}`;
  const res = await agent.call("POST", "/agents", {
    agentCode,
    firstName: "Test",
    lastName: "Agent",
    email: `${agentCode.toLowerCase()}@moon.lk`,
    branch,
    team,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  expect((await agent.call("PUT", `/agents/${agentCode}/products/LIFE-PLAT`)).status).toBe(201);
  return agentCode;
}

const newTarget = (scope: string, key: string, amount = 100) =>
  h.admin.call("POST", "/targets", { scope, key, period: "month", amount, milestones: [100] });

const alertsOf = async (targetId: number) => {
  const [rows] = await h.db.handle.pool.query("SELECT recipient FROM target_alerts WHERE target_id = ?", [targetId]);
  return (rows as Array<{ recipient: string }>).map((r) => r.recipient);
};

describe("codes are case-insensitive and kept in upper case, in every service", () => {
  test("agent service: a code in any case finds the agent, and a new code is stored in upper case", async () => {
    const res = await agent.call("GET", "/agents/agt004");
    expect(res.status).toBe(200);
    expect((await res.json()).agentCode).toBe("AGT004");

    const body = {
      agentCode: "idt-lower",
      firstName: "Lower",
      lastName: "Case",
      email: "lower@moon.lk",
      branch: "Colombo",
      team: "Alpha",
    };
    const created = await agent.call("POST", "/agents", body);
    expect(created.status).toBe(201);
    expect((await created.json()).agentCode).toBe("IDT-LOWER");
    expect((await agent.call("POST", "/agents", { ...body, agentCode: "IDT-LOWER" })).status).toBe(409);
    expect((await agent.call("GET", "/agents/IDT-lower")).status).toBe(200);
    expect((await agent.call("PUT", "/agents/idt-lower/products/life-plat")).status).toBe(201);
    const authorised = await (await agent.call("GET", "/agents/Idt-Lower/products")).json();
    expect(authorised.items.map((p: { productCode: string }) => p.productCode)).toEqual(["LIFE-PLAT"]);
    expect((await agent.call("GET", "/products/life-plat")).status).toBe(200);
  });

  test("sales service: a sale with agt004 and life-plat is AGT004's LIFE-PLAT sale", async () => {
    const res = await h.integration.call("POST", "/sales", sale({ agentCode: "agt004", productCode: "life-plat" }));
    expect(res.status, await res.clone().text()).toBe(201);
    const stored = await res.json();
    expect(stored).toMatchObject({ agentCode: "AGT004", productCode: "LIFE-PLAT" });
    // The same sale sent again in other case is a replay, not a conflict.
    const again = await h.integration.call("POST", "/sales", {
      ...sale({ saleRef: stored.saleRef, agentCode: "Agt004", productCode: "Life-Plat" }),
    });
    expect(again.status).toBe(200);
    const listed = await (await h.viewer.call("GET", "/sales?agentCode=agt004&productCode=life-plat")).json();
    expect(listed.items.map((s: { id: number }) => s.id)).toContain(stored.id);
  });

  test("targets: an agent target given in lower case is the agent's target", async () => {
    const res = await newTarget("agent", "agt004", 1_000_000);
    expect(res.status).toBe(201);
    expect((await res.json()).key).toBe("AGT004");
    expect((await newTarget("agent", "AGT004", 1_000_000)).status).toBe(409);
    const listed = await (await h.viewer.call("GET", "/targets?scope=agent&key=agt004")).json();
    expect(listed.items).toHaveLength(1);
  });

  test("notification service: an agent recipient in any case is the agent", async () => {
    const res = await notifications.call("POST", "/notifications", {
      recipient: "agt005",
      type: "CUSTOM",
      message: "well done",
    });
    expect(res.status).toBe(201);
    expect((await res.json()).recipient).toBe("AGT005");
    const listed = await (await notifications.call("GET", "/notifications?recipient=Agt005")).json();
    expect(listed.items.length).toBeGreaterThan(0);
    expect(listed.items.every((n: { recipient: string }) => n.recipient === "AGT005")).toBe(true);
  });
});

describe("names are NFC-normalised and otherwise exact", () => {
  test("distinct emoji teams are distinct agents' teams, targets and alerts", async () => {
    const smile = await agentIn("😀");
    const unicorn = await agentIn("🦄");
    const listed = await (await agent.call("GET", `/agents?team=${encodeURIComponent("😀")}`)).json();
    expect(listed.items.map((a: { agentCode: string }) => a.agentCode)).toEqual([smile]);

    const smileTarget = await newTarget("team", "😀");
    const unicornTarget = await newTarget("team", "🦄");
    expect(smileTarget.status).toBe(201);
    expect(unicornTarget.status, await unicornTarget.clone().text()).toBe(201);
    const [s, u] = [await smileTarget.json(), await unicornTarget.json()];

    const res = await h.integration.call("POST", "/sales", sale({ agentCode: smile, amount: "100.00" }));
    expect(res.status).toBe(201);
    expect((await res.json()).team).toBe("😀");
    await eventually(async () => ((await alertsOf(s.id)).length > 0 ? true : undefined));
    expect(await alertsOf(s.id)).toEqual(["team:😀"]);
    expect(await alertsOf(u.id)).toEqual([]);
    const unicornProgress = await (await h.viewer.call("GET", `/targets/${u.id}/progress?date=2024-03-01`)).json();
    expect(unicornProgress.achieved).toBe("0.00");

    const summary = await (await h.viewer.call("GET", "/sales/summary?groupBy=team")).json();
    const keys = summary.items.map((i: { key: string }) => i.key);
    expect(keys).toContain("😀");
    expect(keys).not.toContain("🦄");
    const unicornTeam = await (await agent.call("GET", `/agents?team=${encodeURIComponent("🦄")}`)).json();
    expect(unicornTeam.items.map((a: { agentCode: string }) => a.agentCode)).toEqual([unicorn]);
  });

  test("alpha, Álpha and Alpha are three teams; Álpha written decomposed is Álpha", async () => {
    const composed = "Álpha";
    const decomposed = "A\u0301lpha";
    expect(decomposed).not.toBe(composed);
    for (const team of ["alpha", composed, "ALPHA"]) expect((await newTarget("team", team)).status).toBe(201);
    expect((await newTarget("team", decomposed)).status).toBe(409);

    const code = await agentIn(decomposed);
    const stored = await (await agent.call("GET", `/agents/${code}`)).json();
    expect(stored.team).toBe(composed);
    const byDecomposed = await (await agent.call("GET", `/agents?team=${encodeURIComponent(decomposed)}`)).json();
    expect(byDecomposed.items.map((a: { agentCode: string }) => a.agentCode)).toEqual([code]);
    const byPlain = await (await agent.call("GET", "/agents?team=alpha")).json();
    expect(byPlain.items).toEqual([]);

    const targets = await (
      await h.viewer.call("GET", `/targets?scope=team&key=${encodeURIComponent(decomposed)}`)
    ).json();
    expect(targets.items.map((t: { key: string }) => t.key)).toEqual([composed]);
  });

  test("a notification for a team keeps the team's name exact", async () => {
    for (const team of ["😀", "🦄"]) {
      const res = await notifications.call("POST", "/notifications", {
        recipient: `team:${team}`,
        type: "CUSTOM",
        message: "hello",
      });
      expect(res.status).toBe(201);
    }
    const listed = await (
      await notifications.call("GET", `/notifications?recipient=${encodeURIComponent("team:🦄")}`)
    ).json();
    expect(listed.items.map((n: { recipient: string }) => n.recipient)).toEqual(["team:🦄"]);
  });
});
