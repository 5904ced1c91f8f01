// `npm run dev` publishes its API keys in the README: its services must not be reachable from the network.
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, expect, test } from "vitest";
import { agentService } from "../apps/agent/service.js";
import { freshDatabase, type TestDatabase } from "../test/databases.js";
import { startTestService } from "../test/services.js";
import { devHost } from "./dev-host.js";

/** This machine's first non-loopback IPv4 address: how another machine on the network would reach it. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const reachable = (host: string, port: number) =>
  fetch(`http://${host}:${port}/health`).then(
    (r) => r.status,
    () => "refused",
  );

test.skipIf(!lanAddress)("by default a dev service answers on loopback only; HOST=0.0.0.0 opens it", async () => {
  const host = lanAddress ?? "";
  const local = await startTestService(agentService, db.url, { HOST: devHost({}) });
  try {
    expect(await reachable("127.0.0.1", local.port)).toBe(200);
    expect(await reachable(host, local.port)).toBe("refused");
  } finally {
    await local.shutdown("test");
  }
  const open = await startTestService(agentService, db.url, { HOST: devHost({ HOST: "0.0.0.0" }) });
  try {
    expect(await reachable(host, open.port)).toBe(200);
  } finally {
    await open.shutdown("test");
  }
});
