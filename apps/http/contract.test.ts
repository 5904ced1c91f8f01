// The runtime contract every service shares (docs/architecture.md), exercised through the agent service.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { client, startOnFreshDatabase, testKeys } from "../../test/services.js";
import { agentService } from "../agent/service.js";
import { ConfigError, loadEnv } from "../runtime/env.js";
import { serviceEnv } from "./env.js";
import type { StartedService } from "./service.js";

let svc: StartedService;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ svc, stop } = await startOnFreshDatabase(agentService, { COLOUR: "green", VERSION: "v1.2.3" }));
  await client(svc.url).call("POST", "/agents", {
    agentCode: "AGT004",
    firstName: "A",
    lastName: "J",
    email: "a@moon.lk",
    branch: "Colombo",
    team: "Alpha",
  });
  await client(svc.url).call("POST", "/products", { productCode: "P1", type: "life", name: "P1", targetAmount: 1 });
});
afterAll(() => stop?.());

describe("operations endpoints", () => {
  test("/health reports service, colour and version; every response carries x-moon-colour", async () => {
    const res = await fetch(`${svc.url}/health`);
    expect(await res.json()).toEqual({ status: "ok", service: "agent", colour: "green", version: "v1.2.3" });
    expect(res.headers.get("x-moon-colour")).toBe("green");
    for (const path of ["/ready", "/agents", "/nope", "/metrics"]) {
      expect((await fetch(`${svc.url}${path}`)).headers.get("x-moon-colour"), path).toBe("green");
    }
  });

  test("/ready is 200 while the database answers", async () => {
    const res = await fetch(`${svc.url}/ready`);
    expect(res.status).toBe(200);
  });

  test("/metrics exposes request counters by route template", async () => {
    await client(svc.url).call("GET", "/agents/AGT004");
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{[^}]*route="\/agents\/:agentCode"[^}]*status="200"[^}]*\} \d+/);
    expect(text).toContain("process_resident_memory_bytes");
  });

  test("/metrics labels operations endpoints by their own route and unknown paths as unmatched", async () => {
    await fetch(`${svc.url}/health`);
    await fetch(`${svc.url}/no/such/path`);
    await fetch(`${svc.url}/metrics`);
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    const routes = new Set([...text.matchAll(/http_requests_total\{[^}]*route="([^"]*)"/g)].map((m) => m[1]));
    for (const route of ["/health", "/metrics", "unmatched"]) expect(routes.has(route), route).toBe(true);
    expect(routes.has("/*")).toBe(false);
  });

  test("/openapi.json documents every resource path and /docs serves a page", async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/agents",
        "/agents/{agentCode}",
        "/products",
        "/products/{productCode}",
        "/agents/{agentCode}/products/{productCode}",
      ]),
    );
    expect(doc.components.securitySchemes.bearer.scheme).toBe("bearer");
    const docs = await fetch(`${svc.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/openapi.json");
  });

  test("errors are problem+json with the request id, and an incoming request id is kept", async () => {
    const res = await fetch(`${svc.url}/agents/NOPE`, {
      headers: { authorization: `Bearer ${testKeys.viewer}`, "x-request-id": "trace-123" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    expect(await res.json()).toEqual({
      type: "urn:moon:problem:not_found",
      title: "Not Found",
      status: 404,
      detail: "agent NOPE was not found",
      instance: "/agents/NOPE",
      requestId: "trace-123",
    });
  });
});

describe("authentication and roles", () => {
  const reads: Array<[string, string]> = [
    ["GET", "/agents"],
    ["GET", "/agents/AGT004"],
    ["GET", "/products"],
    ["GET", "/products/P1"],
    ["GET", "/agents/AGT004/products"],
  ];
  const writes: Array<[string, string, unknown?]> = [
    [
      "POST",
      "/agents",
      { agentCode: "W1", firstName: "A", lastName: "B", email: "a@moon.lk", branch: "Galle", team: "Beta" },
    ],
    ["PATCH", "/agents/AGT004", { team: "Beta" }],
    ["DELETE", "/agents/NOPE"],
    ["POST", "/products", { productCode: "W1", type: "life", name: "W", targetAmount: 1 }],
    ["PATCH", "/products/P1", { name: "x" }],
    ["DELETE", "/products/NOPE"],
    ["PUT", "/agents/AGT004/products/P1"],
    ["DELETE", "/agents/AGT004/products/NOPE"],
  ];

  test.each([...reads, ...writes])("%s %s: no key 401, a wrong key 401", async (method, path, body?: unknown) => {
    const none = await client(svc.url, null).call(method, path, body);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const wrong = await fetch(`${svc.url}${path}`, {
      method,
      headers: { authorization: "Bearer not-a-real-key-at-all" },
    });
    expect(wrong.status).toBe(401);
  });

  test.each(reads)("%s %s: viewer, integration and admin may read", async (method, path) => {
    for (const role of ["viewer", "integration", "admin"] as const) {
      expect((await client(svc.url, role).call(method, path)).status, role).toBe(200);
    }
  });

  test.each(writes)(
    "%s %s: viewer and integration get 403, and nothing changes",
    async (method, path, body?: unknown) => {
      const before = await (await client(svc.url).call("GET", "/agents/AGT004")).json();
      for (const role of ["viewer", "integration"] as const) {
        const res = await client(svc.url, role).call(method, path, body);
        expect(res.status, role).toBe(403);
        expect((await res.json()).detail).toContain(role);
      }
      expect(await (await client(svc.url).call("GET", "/agents/AGT004")).json()).toEqual(before);
    },
  );
});

describe("environment validation", () => {
  const good = { DATABASE_URL: "mysql://u:p@db:3306/moon", API_KEYS: "admin:0123456789abcdef0123" };
  const fails = (env: Record<string, string | undefined>, variable: string) => {
    let error: unknown;
    try {
      loadEnv(serviceEnv(8000), env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    return (error as Error).message;
  };

  test("defaults apply when only the required variables are set", () => {
    expect(loadEnv(serviceEnv(8000), good)).toMatchObject({ PORT: 8000, COLOUR: "blue", VERSION: "dev" });
  });

  test("each missing or bad variable is named, and secrets are never echoed", () => {
    expect(fails({ API_KEYS: good.API_KEYS }, "DATABASE_URL")).toContain("required");
    fails({ ...good, DATABASE_URL: "postgres://x@y/z" }, "DATABASE_URL");
    fails({ DATABASE_URL: good.DATABASE_URL }, "API_KEYS");
    const message = fails({ ...good, API_KEYS: "root:supersecretvalue12345" }, "API_KEYS");
    expect(message).not.toContain("supersecretvalue12345");
    fails({ ...good, API_KEYS: "admin:short" }, "API_KEYS");
    fails({ ...good, PORT: "http" }, "PORT");
    fails({ ...good, COLOUR: "purple" }, "COLOUR");
  });
});
