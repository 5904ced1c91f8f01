// Starts real services in-process on free ports, against a test database.
import type { ServiceDefinition, StartedService } from "../apps/http/service.js";
import { startService } from "../apps/http/service.js";
import { freshDatabase, type TestDatabase } from "./databases.js";

/** One key per role, as API_KEYS would hold them. */
export const testKeys = {
  admin: "test-admin-key-0123456789",
  integration: "test-integration-key-0123456789",
  viewer: "test-viewer-key-0123456789",
} as const;

export const testApiKeys = Object.entries(testKeys)
  .map(([role, key]) => `${role}:${key}`)
  .join(",");

export async function startTestService(
  def: ServiceDefinition<any>,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<StartedService> {
  return startService(def, {
    PORT: "0",
    DATABASE_URL: databaseUrl,
    API_KEYS: testApiKeys,
    COLOUR: "blue",
    VERSION: "test",
    LOG_LEVEL: "silent",
    ...env,
  });
}

/** A service on its own fresh database; `stop` shuts it down and drops the database. */
export async function startOnFreshDatabase(
  def: ServiceDefinition<any>,
  env: Record<string, string> = {},
): Promise<{ db: TestDatabase; svc: StartedService; stop(): Promise<void> }> {
  const db = await freshDatabase();
  const svc = await startTestService(def, db.url, env).catch(async (err) => {
    await db.drop();
    throw err;
  });
  return {
    db,
    svc,
    async stop() {
      await svc.shutdown("test");
      await db.drop();
    },
  };
}

/** A fetch Response whose json() is untyped, as tests inspect arbitrary bodies. */
export type TestResponse = Omit<Response, "json"> & { json(): Promise<any> };

export interface Client {
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
}

/** A small fetch wrapper that authenticates as `role` (or not at all with `null`). */
export function client(baseUrl: string, role: keyof typeof testKeys | null = "admin"): Client {
  return {
    call(method, path, body, headers = {}) {
      return fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(role ? { authorization: `Bearer ${testKeys[role]}` } : {}),
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
    },
  };
}
