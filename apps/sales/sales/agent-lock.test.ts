// A sale and a concurrent deletion of its agent: the agent service deletes only agents without sales,
// so whichever way the race goes, a stored sale always has its agent (deactivated, not deleted).
import { afterAll, beforeAll, expect, test } from "vitest";
import { type SalesHarness, sale, startSales } from "../../../test/sales/harness.js";
import { client, startTestService } from "../../../test/services.js";
import { agentService } from "../../agent/service.js";
import type { StartedService } from "../../http/service.js";

let h: SalesHarness;
let agents: StartedService;
beforeAll(async () => {
  h = await startSales();
  agents = await startTestService(agentService, h.db.url);
});
afterAll(async () => {
  await agents?.shutdown("done");
  await h?.stop();
});

test("no sale is ever stored for a deleted agent", async () => {
  const admin = client(agents.url, "admin");
  const outcomes = { sold: 0, refused: 0 };
  for (let i = 0; i < 25; i++) {
    const code = `RACE${i}`;
    await admin.call("POST", "/agents", {
      agentCode: code,
      firstName: "Race",
      lastName: `${i}`,
      email: `race${i}@moon.example`,
      branch: "Galle",
      team: "Gamma",
    });
    await admin.call("PUT", `/agents/${code}/products/LIFE-PLAT`);
    const [sold, removed] = await Promise.all([
      h.integration.call("POST", "/sales", sale({ agentCode: code })),
      admin.call("DELETE", `/agents/${code}`),
    ]);
    const [rows] = await h.db.handle.pool.query("SELECT status FROM agents WHERE agent_code = ?", [code]);
    const agent = (rows as Array<{ status: string }>)[0];
    if (sold.status === 201) {
      outcomes.sold++;
      expect(removed.status).toBe(200);
      expect(agent?.status).toBe("inactive");
    } else {
      outcomes.refused++;
      expect(sold.status).toBe(422);
      expect(removed.status).toBe(204);
      expect(agent).toBeUndefined();
    }
  }
  expect(outcomes.sold + outcomes.refused).toBe(25);
});
