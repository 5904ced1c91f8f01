// Overload, slow or malformed clients and shutdown during a burst, on real servers and a real database
// (slowed by a TCP proxy). Load stays bounded: a few hundred requests, seconds each.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freshDatabase, type TestDatabase } from "../../test/databases.js";
import { startProgram } from "../../test/sales/processes.js";
import { client, startTestService, testApiKeys, testKeys } from "../../test/services.js";
import { startTcpProxy, type TcpProxy, viaProxy } from "../../test/tcp-proxy.js";
import { agentService } from "../agent/service.js";
import type { StartedService } from "./service.js";

let db: TestDatabase;
let proxy: TcpProxy;
let svc: StartedService;

beforeAll(async () => {
  db = await freshDatabase();
  const u = new URL(db.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 3306));
  svc = await startTestService(agentService, viaProxy(db.url, proxy), { MAX_IN_FLIGHT: "20", DB_POOL_SIZE: "5" });
});
afterAll(async () => {
  await svc?.shutdown("test");
  await proxy?.close();
  await db?.drop();
});

/** Sends raw bytes and returns everything the server answers before it closes the connection. */
function raw(port: number, bytes: string, waitMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (d) => (answer += d.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.write(bytes);
    if (waitMs) setTimeout(() => socket.end(), waitMs).unref();
  });
}

const problemOf = (answer: string) => {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  return { head, status: Number(head.split(" ")[1]), body: JSON.parse(body) };
};

describe("errors from Node's HTTP layer are problem+json with a request id", () => {
  test.each([
    ["headers too large", `GET /health HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
    ["a bad Content-Length", "POST /agents HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400],
    ["not HTTP at all", "HELLO\r\n\r\n", 400],
  ])("%s", async (_, bytes, status) => {
    const answer = problemOf(await raw(svc.port, bytes));
    expect(answer.status).toBe(status);
    expect(answer.head).toMatch(/content-type: application\/problem\+json/i);
    const id = /x-request-id: (\S+)/i.exec(answer.head)?.[1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.body).toMatchObject({ status, requestId: id, type: expect.stringMatching(/^urn:moon:problem:/) });
  });

  test("a request whose headers never finish is answered 408 and closed (not held for minutes)", async () => {
    const answer = problemOf(await raw(svc.port, "GET /health HTTP/1.1\r\nHost: x\r\n", 20_000));
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ status: 408, type: "urn:moon:problem:timeout" });
  }, 30_000);

  test("an incoming x-request-id is kept when it is 1-128 letters, digits, '_', '-' or '='; otherwise replaced", async () => {
    const idOf = async (id: string) =>
      (await fetch(`${svc.url}/health`, { headers: { "x-request-id": id } })).headers.get("x-request-id");
    expect(await idOf("trace_123-abc=")).toBe("trace_123-abc=");
    expect(await idOf("a".repeat(128))).toBe("a".repeat(128));
    for (const bad of ["a".repeat(129), "has space", "semi;colon", "dot.ted"])
      expect(await idOf(bad), bad).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("overload", () => {
  test("past the in-flight bound requests get 503 + Retry-After at once, and /health still answers", async () => {
    const viewer = client(svc.url, "viewer");
    // Open the pool's connections first: a slowed handshake would look like a database outage.
    await Promise.all(Array.from({ length: 10 }, () => viewer.call("GET", "/agents")));
    proxy.delay(500);
    try {
      const burst = Array.from({ length: 150 }, () => viewer.call("GET", "/agents"));
      await new Promise((r) => setTimeout(r, 300));
      // The liveness probe's own timeout: 2 s.
      const health = await fetch(`${svc.url}/health`, { signal: AbortSignal.timeout(2_000) });
      expect(health.status).toBe(200);
      const answers = await Promise.all(burst);
      const shed = answers.filter((r) => r.status === 503);
      expect(answers.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
      expect(shed.length).toBeGreaterThan(0);
      expect(shed.length + answers.filter((r) => r.status === 200).length).toBe(150);
      expect(shed[0]?.headers.get("retry-after")).toBe("1");
      expect(shed[0]?.headers.get("content-type")).toBe("application/problem+json");
      expect(await shed[0]?.json()).toMatchObject({ status: 503, type: "urn:moon:problem:overloaded" });
    } finally {
      proxy.delay(0);
    }
    // Once the burst is over, everything is served again.
    expect((await client(svc.url, "viewer").call("GET", "/agents")).status).toBe(200);
  });
});

describe("shutdown", () => {
  test("SIGTERM during a burst answers every request that reached the process", async () => {
    const program = await startProgram("agent", {
      DATABASE_URL: viaProxy(db.url, proxy),
      API_KEYS: testApiKeys,
      DB_POOL_SIZE: "10",
    });
    const headers = { authorization: `Bearer ${testKeys.viewer}` };
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${program.url}/agents`, { headers })));
    proxy.delay(300);
    try {
      const burst = Array.from({ length: 100 }, () =>
        fetch(`${program.url}/agents`, { headers }).then(
          (r) => r.status,
          (err: Error) => `failed: ${err.message} ${(err.cause as Error | undefined)?.message}`,
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      const exited = program.stop("SIGTERM");
      const statuses = await Promise.all(burst);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(await exited).toBe(0);
    } finally {
      proxy.delay(0);
      await program.stop("SIGKILL");
    }
  });
});
