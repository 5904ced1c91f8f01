import { swaggerUI } from "@hono/swagger-ui";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { operationalPaths } from "../../contract/index.js";
import { isUnavailable } from "../db/client.js";
import { InvalidCursorError } from "../db/keyset.js";
import { type Logger, requestLogger } from "../runtime/logger.js";
import type { Trace } from "../runtime/trace.js";
import { type ApiKeyTable, type AuthVariables, authenticate } from "./auth.js";
import { ApiError, problemResponse, unavailable, validationError } from "./errors.js";
import { createMetrics, type HttpMetrics, routeTemplate } from "./metrics.js";
import { invalidCursor } from "./pagination.js";
import { assignedRequestId, requestIdFor } from "./request-id.js";
import type { NodeBindings } from "./serve.js";

/** `trace` is set by the routes that pass a request on (apps/http/trace.ts), and logged with it. */
export type AppEnv = { Variables: AuthVariables & { requestId: string; trace: Trace | undefined } };
export type ServiceApp = OpenAPIHono<AppEnv>;

export interface ServiceIdentity {
  service: string;
  colour: string;
  version: string;
}

export interface CreateAppOptions extends ServiceIdentity {
  title: string;
  description: string;
  keys: ApiKeyTable;
  logger: Logger;
  /** Rejects when the service cannot serve (database unreachable). */
  checkReady: () => Promise<void>;
  /** True once shutdown began: readiness fails so load balancers stop sending traffic. */
  isDraining?: () => boolean;
  maxBodyBytes?: number;
  /** The service's metrics, when it registers its own beside the HTTP ones. */
  metrics?: HttpMetrics;
}

const quietPaths = new Set<string>(operationalPaths);

/**
 * The id the server gave the request (apps/http/serve.ts sets it and `x-moon-colour` on Node's
 * response). An app served some other way (`app.request` in a test) sets both headers itself.
 */
function requestIdOf(c: Context<AppEnv>, colour: string): string {
  const assigned = assignedRequestId((c.env as Partial<NodeBindings> | undefined)?.incoming);
  if (assigned) return assigned;
  const id = requestIdFor(c.req.header("x-request-id"));
  c.header("x-request-id", id);
  c.header("x-moon-colour", colour);
  return id;
}

const bodyMethods = ["POST", "PUT", "PATCH"];

/** Every service's app: the runtime contract in docs/architecture.md, before any resource route is added. */
export function createServiceApp(o: CreateAppOptions): ServiceApp {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  const metrics = o.metrics ?? createMetrics({ service: o.service, colour: o.colour, version: o.version });

  const requestLog = requestLogger(o.logger);
  // One middleware times, logs and counts each request: every layer Hono runs costs a closure and a
  // promise per request (README, benchmarks).
  app.use(async (c, next) => {
    const started = performance.now();
    c.set("requestId", requestIdOf(c, o.colour));
    await next();
    const ms = performance.now() - started;
    const { method, path } = c.req;
    const status = c.res.status;
    metrics.observe(method, routeTemplate(c), status, ms / 1000);
    const line = {
      requestId: c.get("requestId"),
      traceId: c.get("trace")?.traceId,
      spanId: c.get("trace")?.spanId,
      method,
      path,
      status,
      ms: Math.round(ms * 10) / 10,
    };
    if (quietPaths.has(path)) requestLog.debug(line, "request");
    else requestLog.info(line, "request");
  });
  const limitBody = bodyLimit({
    maxSize: o.maxBodyBytes ?? 1024 * 1024,
    onError: () => {
      throw new ApiError(413, "too_large", `request body is larger than ${o.maxBodyBytes ?? 1024 * 1024} bytes`);
    },
  });
  // Only where a body is expected (inspecting one makes the node adapter build a full Request), and
  // registered for those methods alone, so other requests do not pass through it at all.
  app.on(bodyMethods, "*", limitBody);

  app.onError((err, c) => {
    if (err instanceof ApiError) return problemResponse(c, err);
    if (err instanceof InvalidCursorError) return problemResponse(c, invalidCursor(err));
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      return problemResponse(
        c,
        new ApiError(status, status === 415 ? "unsupported_media_type" : "bad_request", err.message),
      );
    }
    if (isUnavailable(err)) {
      o.logger.warn(
        {
          requestId: c.get("requestId"),
          traceId: c.get("trace")?.traceId,
          err: { message: err.message, code: (err as { code?: string }).code },
        },
        "database unavailable",
      );
      return problemResponse(c, unavailable());
    }
    o.logger.error({ requestId: c.get("requestId"), traceId: c.get("trace")?.traceId, err }, "unhandled error");
    return problemResponse(
      c,
      new ApiError(500, "internal", "an internal error occurred; quote the request id when reporting it"),
    );
  });
  app.notFound((c) => problemResponse(c, new ApiError(404, "not_found", `no route for ${c.req.method} ${c.req.path}`)));

  const health = z.object({
    status: z.literal("ok"),
    service: z.string(),
    colour: z.string(),
    version: z.string(),
  });
  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["operations"],
      summary: "Liveness: the process is up",
      responses: { 200: { description: "Alive", content: { "application/json": { schema: health } } } },
    }),
    (c) => c.json({ status: "ok" as const, service: o.service, colour: o.colour, version: o.version }, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/ready",
      tags: ["operations"],
      summary: "Readiness: the database answers",
      responses: {
        200: {
          description: "Ready",
          content: { "application/json": { schema: z.object({ status: z.literal("ready") }) } },
        },
        503: { description: "Not ready (database unreachable, or shutting down)" },
      },
    }),
    async (c) => {
      if (o.isDraining?.()) throw unavailable("shutting down");
      try {
        await o.checkReady();
      } catch {
        throw unavailable();
      }
      return c.json({ status: "ready" as const }, 200);
    },
  );
  app.get("/metrics", async (c) =>
    c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType }),
  );

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key from API_KEYS; roles admin, integration, viewer",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: o.title, version: o.version, description: o.description },
    security: [{ bearer: [] }],
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: o.title }));

  // Everything registered after this point needs a valid key.
  app.use(authenticate(o.keys));
  return app;
}
