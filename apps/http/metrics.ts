import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface HttpMetrics {
  registry: Registry;
  /** Counts one answered request and its duration. */
  observe(method: string, route: string, status: number, seconds: number): void;
}

/**
 * The template of the route that answered (`/agents/:agentCode`, `/health`): the last matched route
 * that is not a middleware (those are registered on path `/*`, with `use` or for some methods). Paths
 * no route matched share one label, which keeps label cardinality bounded.
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method !== "ALL" && route.path !== "/*") return route.path;
  }
  return "unmatched";
}

/** One registry per app (tests run several apps in one process), with process defaults. */
export function createMetrics(labels: { service: string; colour: string; version: string }): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by route template",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by route template and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const observe = (method: string, route: string, status: number, seconds: number) => {
    const labels = { method, route, status: String(status) };
    duration.observe(labels, seconds);
    requests.inc(labels);
  };
  return { registry, observe };
}
