// A small client for Prometheus's HTTP API (instant queries and the target list). How a request reaches
// Prometheus is a `Transport`: a plain URL locally and in tests, the Kubernetes API's service proxy for
// a cluster's Prometheus (kube-proxy-transport.ts).

/** GET `pathAndQuery` (e.g. `/api/v1/query?query=up`) on the Prometheus server; the raw answer. */
export type Transport = (pathAndQuery: string) => Promise<{ status: number; body: string }>;

/** One element of an instant vector (a scalar result is one sample with no labels). */
export interface Sample {
  labels: Record<string, string>;
  value: number;
  /** When the value was evaluated, in Unix seconds. */
  at: number;
}

export interface ActiveTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: "up" | "down" | "unknown";
  lastError: string;
  /** The target's own scrape interval in seconds. */
  scrapeIntervalSeconds: number;
}

export class PrometheusApi {
  /** `where` says how it is reached (a URL, or the proxy path), for messages. */
  constructor(
    readonly where: string,
    private readonly transport: Transport,
  ) {}

  /** Evaluates `expr` at `at` (Unix seconds; now when absent). Throws with Prometheus's own error. */
  async query(expr: string, at?: number): Promise<Sample[]> {
    const params = new URLSearchParams({ query: expr });
    if (at !== undefined) params.set("time", at.toFixed(3));
    const data = (await this.get(`/api/v1/query?${params}`)) as { resultType: string; result: unknown };
    if (data.resultType === "scalar") {
      const [time, value] = data.result as [number, string];
      return [{ labels: {}, value: Number(value), at: time }];
    }
    if (data.resultType !== "vector")
      throw new Error(`expected an instant vector from ${expr}, got ${data.resultType}`);
    return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
      at: r.value[0],
    }));
  }

  async activeTargets(): Promise<ActiveTarget[]> {
    const data = (await this.get("/api/v1/targets?state=active")) as {
      activeTargets: Array<Omit<ActiveTarget, "scrapeIntervalSeconds"> & { scrapeInterval?: string }>;
    };
    return data.activeTargets.map(({ scrapeInterval, ...target }) => ({
      ...target,
      scrapeIntervalSeconds: parseDuration(scrapeInterval ?? "1m"),
    }));
  }

  private async get(pathAndQuery: string): Promise<unknown> {
    let answer: { status: number; body: string };
    try {
      answer = await this.transport(pathAndQuery);
    } catch (err) {
      const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new Error(`Prometheus at ${this.where} is unreachable: ${why}`);
    }
    let parsed: { status?: string; data?: unknown; error?: string } | undefined;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      // Not Prometheus answering (a proxy's error page): report the status and the start of the text.
    }
    if (parsed?.status === "success") return parsed.data;
    const detail = parsed?.error ?? answer.body.slice(0, 200).trim();
    throw new Error(`Prometheus at ${this.where} answered ${answer.status}: ${detail}`);
  }
}

/** A Prometheus reached directly at `baseUrl` (http://127.0.0.1:9090, or a port-forward). */
export function prometheusAt(baseUrl: string, timeoutMs = 15_000): PrometheusApi {
  const base = baseUrl.replace(/\/+$/, "");
  return new PrometheusApi(base, async (pathAndQuery) => {
    const response = await fetch(`${base}${pathAndQuery}`, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text() };
  });
}

/** Prometheus's duration syntax as the targets API prints it (`15s`, `1m`, `1m30s`, `500ms`) in seconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}
