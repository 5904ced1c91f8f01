// Database faults and shutdown, on real processes and a real database behind a TCP proxy.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { client, startTestService, testApiKeys, testKeys } from "../../test/services.js";
import { startTcpProxy, type TcpProxy, viaProxy } from "../../test/tcp-proxy.js";
import { agentService } from "../agent/service.js";

let db: TestDatabase;
let proxy: TcpProxy;

beforeAll(async () => {
  db = await freshDatabase();
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 3306));
});
afterAll(async () => {
  await proxy?.close();
  await db?.drop();
});

const timed = async <T>(f: () => Promise<T>) => {
  const started = Date.now();
  const value = await f();
  return { value, ms: Date.now() - started };
};

test("starts with the database away, answers 503 quickly, and recovers by itself", async () => {
  proxy.cut();
  const svc = await startTestService(agentService, viaProxy(db.url, proxy));
  try {
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    const ready = await timed(() => fetch(`${svc.url}/ready`));
    expect(ready.value.status).toBe(503);
    const call = await timed(() => client(svc.url, "viewer").call("GET", "/agents"));
    expect(call.value.status).toBe(503);
    expect(call.value.headers.get("content-type")).toBe("application/problem+json");
    expect(ready.ms).toBeLessThan(3_000);
    expect(call.ms).toBeLessThan(3_000);

    proxy.restore();
    expect((await fetch(`${svc.url}/ready`)).status).toBe(200);
    expect((await client(svc.url, "viewer").call("GET", "/agents")).status).toBe(200);

    // Connections in the pool die with the database; the service must not keep handing them out.
    proxy.cut();
    expect((await client(svc.url, "viewer").call("GET", "/agents")).status).toBe(503);
    expect((await fetch(`${svc.url}/ready`)).status).toBe(503);
    proxy.restore();
    let status = 0;
    for (let i = 0; i < 3 && status !== 200; i++)
      status = (await client(svc.url, "viewer").call("GET", "/agents")).status;
    expect(status).toBe(200);
  } finally {
    proxy.restore();
    await svc.shutdown("test");
  }
});

test("SIGTERM: readiness fails at once, the request in flight finishes, then it stops accepting and exits 0", async () => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ["--import", "tsx", "apps/main.ts", "agent"], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: viaProxy(db.url, proxy),
      API_KEYS: testApiKeys,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let logs = "";
  child.stdout.on("data", (d: Buffer) => (logs += d.toString()));
  child.stderr.on("data", (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const base = `http://127.0.0.1:${port}`;
  // Up to a minute: a tsx start-up on a busy two-core machine can take well over ten seconds.
  for (
    let i = 0;
    i < 600 &&
    !(await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  )
    await new Promise((r) => setTimeout(r, 100));

  proxy.delay(1_500);
  const inFlight = fetch(`${base}/agents`, { headers: { authorization: `Bearer ${testKeys.viewer}` } });
  await new Promise((r) => setTimeout(r, 300));
  child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 200));
  // Readiness fails at once, so the load balancer stops sending; a request that still arrives is served.
  const ready = await fetch(`${base}/ready`).then(
    (r) => r.status,
    () => "refused",
  );

  const res = await inFlight;
  expect(res.status).toBe(200);
  expect(await exited).toBe(0);
  proxy.delay(0);
  expect(ready).toBe(503);
  const after = await fetch(`${base}/health`).then(
    () => "answered",
    () => "refused",
  );
  expect(after).toBe("refused");
  expect(logs).toContain("shutting down");
  expect(logs).toContain("stopped");
});
