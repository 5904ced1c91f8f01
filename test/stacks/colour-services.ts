// Small Hono servers standing in for one colour's services: the API paths the smoke tests use, bearer
// auth, problem+json errors and the x-moon-colour header. Both colours share one agent store, as the
// real colours share one database.
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Colour } from "../../contract/index.js";

export interface AgentStore {
  agents: Map<string, Record<string, unknown>>;
}

export interface ColourService {
  colour: Colour;
  url: string;
  /** Path prefixes that answer 500, to make this colour misbehave. */
  broken: Set<string>;
  /** Every request this colour received, as `METHOD /path`. */
  requests: string[];
  /** Authorization headers seen, to prove the key was sent. */
  authorizations: Set<string>;
  close(): Promise<void>;
}

export async function startColourService(colour: Colour, store: AgentStore, apiKey: string): Promise<ColourService> {
  const broken = new Set<string>();
  const requests: string[] = [];
  const authorizations = new Set<string>();
  const app = new Hono();

  app.use(async (c, next) => {
    requests.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    authorizations.add(c.req.header("authorization") ?? "");
    await next();
    c.header("x-moon-colour", colour);
  });
  app.get("/health", (c) => c.json({ status: "ok", service: "stand-in", colour, version: "test" }));
  app.use(async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${apiKey}`) return problem(c, 401, "missing or invalid API key");
    const path = new URL(c.req.url).pathname;
    if ([...broken].some((prefix) => path.startsWith(prefix))) return problem(c, 500, `${colour} is broken here`);
    await next();
  });
  for (const path of ["/products", "/sales", "/targets", "/notifications"]) {
    app.get(path, (c) => c.json({ items: [], nextCursor: null }));
  }
  app.get("/agents", (c) => c.json({ items: [...store.agents.values()].slice(0, 1), nextCursor: null }));
  app.post("/agents", async (c) => {
    const body = (await c.req.json()) as Record<string, unknown>;
    const code = String(body.agentCode);
    if (store.agents.has(code)) return problem(c, 409, `agent ${code} exists`);
    store.agents.set(code, { ...body, status: "active" });
    return c.json(store.agents.get(code), 201);
  });
  app.get("/agents/:code", (c) => {
    const agent = store.agents.get(c.req.param("code"));
    return agent ? c.json(agent) : problem(c, 404, "no such agent");
  });
  app.delete("/agents/:code", (c) => {
    return store.agents.delete(c.req.param("code")) ? c.body(null, 204) : problem(c, 404, "no such agent");
  });

  const { server, port } = await listen(app);
  return {
    colour,
    url: `http://127.0.0.1:${port}`,
    broken,
    requests,
    authorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function problem(
  c: { json: (body: unknown, status: never, headers: Record<string, string>) => Response },
  status: number,
  detail: string,
) {
  return c.json({ type: "about:blank", title: "error", status, detail }, status as never, {
    "content-type": "application/problem+json",
  });
}

function listen(app: Hono): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) =>
      resolve({ server, port: info.port }),
    );
  });
}
