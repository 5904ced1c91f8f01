// The release analysis against a real Prometheus scraping real blue and green services (agent, sales,
// notification of each colour, on a real MariaDB, each colour's database behind its own TCP fault
// proxy), with traffic through a header-routing gateway. A colour made to fail has its database cut,
// so it answers 503.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentService } from "../apps/agent/service.js";
import type { StartedService } from "../apps/http/service.js";
import { notificationService } from "../apps/notification/service.js";
import { salesService } from "../apps/sales/service.js";
import { services as appServices, type Colour, colours } from "../contract/index.js";
import { releaseAnalysis } from "../infra/release-settings.js";
import { type LocalPrometheus, startPrometheus } from "../scripts/local-prometheus.js";
import { freshDatabase, type TestDatabase } from "../test/databases.js";
import { startTestService, testKeys } from "../test/services.js";
import { type GatewayProxy, startGatewayProxy } from "../test/stacks/gateway-proxy.js";
import { startKubeApiProxy } from "../test/stacks/kube-api-proxy.js";
import { MemoryStack } from "../test/stacks/memory-stack.js";
import { startTcpProxy, type TcpProxy, viaProxy } from "../test/tcp-proxy.js";
import { AnalysisBreach, breaches, judge, measureColour } from "./analysis.js";
import type { FlowContext } from "./flow-context.js";
import { promote } from "./promote.js";
import { StepLog } from "./step-log.js";

interface ColourWorld {
  proxy: TcpProxy;
  services: StartedService[];
  /** Base URL of the service serving `path`. */
  route(path: string): string | undefined;
}

let db: TestDatabase;
let prom: LocalPrometheus;
let gateway: GatewayProxy;
let stack: MemoryStack;
const worlds = {} as Record<Colour, ColourWorld>;

async function startColour(colour: Colour): Promise<ColourWorld> {
  const u = new URL(db.url);
  const proxy = await startTcpProxy(u.hostname, Number(u.port || 3306));
  const env = { COLOUR: colour, VERSION: `v-${colour}`, DB_POOL_SIZE: "4" };
  const databaseUrl = viaProxy(db.url, proxy);
  const notification = await startTestService(notificationService, databaseUrl, env);
  const agent = await startTestService(agentService, databaseUrl, env);
  const sales = await startTestService(salesService, databaseUrl, {
    ...env,
    NOTIFICATION_URL: notification.url,
    NOTIFICATION_API_KEY: testKeys.integration,
  });
  const byName: Record<string, StartedService> = { agent, sales, notification };
  return {
    proxy,
    services: [agent, sales, notification],
    route: (path) => {
      const service = appServices.find((s) => s.paths.some((prefix) => path.startsWith(prefix)));
      return service ? byName[service.name]?.url : undefined;
    },
  };
}

beforeAll(async () => {
  db = await freshDatabase();
  for (const colour of colours) worlds[colour] = await startColour(colour);
  stack = new MemoryStack("analysis", "http://unset", {
    activeColor: "blue",
    "images.blue": "moon:v1",
    "images.green": "moon:v2",
    "monitoring.enabled": "true",
    "release.analysis.watchSeconds": "4",
    "release.analysis.intervalSeconds": "2",
    // Generous: a busy two-core machine slows healthy requests past 2s; the slow-colour test lowers it.
    "release.analysis.maxP99Seconds": "4",
  });
  gateway = await startGatewayProxy(
    { blue: worlds.blue.route, green: worlds.green.route },
    () => stack.deployedActiveColour,
  );
  stack.url = gateway.url;
  await stack.seed();
  prom = await startPrometheus({
    targets: colours.flatMap((colour) =>
      worlds[colour].services.map((s) => ({ job: `moon-${colour}`, address: new URL(s.url).host })),
    ),
  });
  await prom.waitForTargetsUp();
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await gateway?.close();
  for (const world of Object.values(worlds)) {
    await Promise.all(world.services.map((s) => s.shutdown("test")));
    await world.proxy.close();
  }
  await db?.drop();
});

/** A bounded trickle of reads through the gateway: one request at a time per pin, every 40 ms. */
function startLoad(pins: Array<Colour | null>) {
  let running = true;
  const statuses: Record<string, number> = {};
  const loops = pins.map(async (pin) => {
    for (let i = 0; running && i < 2_000; i++) {
      const response = await fetch(`${gateway.url}/agents?limit=1`, {
        headers: { authorization: `Bearer ${testKeys.viewer}`, ...(pin ? { "x-moon-colour": pin } : {}) },
      }).catch(() => null);
      await response?.arrayBuffer();
      const key = `${response?.headers.get("x-moon-colour") ?? "none"} ${response?.status ?? "failed"}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  });
  return {
    statuses,
    async stop() {
      running = false;
      await Promise.all(loops);
      return statuses;
    },
  };
}

function flowContext(
  onLine: (line: string) => void = () => {},
  overrides: Partial<FlowContext> = {},
): { ctx: FlowContext; lines: string[] } {
  const lines: string[] = [];
  let runs = 0;
  const ctx: FlowContext = {
    stack,
    log: new StepLog((line) => {
      lines.push(line);
      onLine(line);
    }),
    apiKey: testKeys.admin,
    prometheusUrl: prom.url,
    wait: { timeoutMs: 10_000, pollMs: 100 },
    lock: { holder: "analysis test", settleMs: 5, staleAfterMs: 60_000 },
    confirm: async () => true,
    smokeId: () => `AN${++runs}`,
    ...overrides,
  };
  return { ctx, lines };
}

async function liveColour(): Promise<string | null> {
  const response = await fetch(`${gateway.url}/agents?limit=1`, {
    headers: { authorization: `Bearer ${testKeys.viewer}` },
  });
  await response.arrayBuffer();
  return response.headers.get("x-moon-colour");
}

/** The stack's thresholds above: the defaults, with the generous p99 a busy machine needs. */
const thresholds = releaseAnalysis.parse({ maxP99Seconds: 4 });

describe("release analysis with a real Prometheus", () => {
  it("passes a healthy colour before the flip and through the watch after it, asking through the Kubernetes API", async () => {
    // As CI does: no --prometheus-url, so the stack's kubeconfig and prometheus outputs lead to it.
    const service = { namespace: "monitoring", service: "prometheus-operated", port: 9090 };
    const kubeApi = await startKubeApiProxy(service, prom.url);
    stack.extraOutputs = { kubeconfig: kubeApi.kubeconfig, prometheus: service };
    const load = startLoad(["blue", "green", null]);
    const { ctx, lines } = flowContext(undefined, { prometheusUrl: undefined });
    let ok: boolean;
    try {
      ok = await promote(ctx);
    } finally {
      await kubeApi.close();
      stack.extraOutputs = {};
    }
    const statuses = await load.stop();
    expect(kubeApi.requests.length).toBeGreaterThan(0);
    expect(
      kubeApi.requests.every((r) =>
        r.startsWith("200 /api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?"),
      ),
    ).toBe(true);

    expect(ok, lines.join("\n")).toBe(true);
    expect(await liveColour()).toBe("green");
    const text = lines.join("\n");
    expect(text).toMatch(/✓ analyse green in Prometheus over the smoke tests \(\d+\.\ds\): within thresholds/);
    expect(text).toMatch(/✓ watch green live for 4s \(a check every 2s\): within thresholds throughout/);
    for (const service of ["agent", "sales", "notification"]) {
      expect(text).toMatch(
        new RegExp(`${service}: \\d+ requests, 5xx 0\\.00% \\(max 1\\.00%\\), p99 \\d\\.\\d{3}s \\(max 4\\.000s\\)`),
      );
    }
    expect(
      Object.keys(statuses).every((key) => key.endsWith(" 200")),
      JSON.stringify(statuses),
    ).toBe(true);
    console.log(
      `[healthy] load ${JSON.stringify(statuses)}\n${lines.filter((l) => /requests, 5xx/.test(l)).join("\n")}`,
    );
  });

  it("refuses a colour whose database is cut before a flip, on its figures, and passes the healthy one", async () => {
    // green is live now; blue is idle and made to fail while traffic goes to both. A window starts at
    // the last scrape before it: let one pass after the previous test's traffic.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const from = Date.now() / 1000;
    worlds.blue.proxy.cut();
    const load = startLoad(["blue", "green"]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    } finally {
      await load.stop();
      worlds.blue.proxy.restore();
    }
    const window = { from, to: Date.now() / 1000 };
    const [failing, healthy] = await Promise.all([
      measureColour(prom.api, "blue", window),
      measureColour(prom.api, "green", window),
    ]);
    console.log(`[failing] ${JSON.stringify(failing)}\n[healthy] ${JSON.stringify(healthy)}`);

    const agentBlue = failing.find((f) => f.service === "agent")!;
    expect(agentBlue.requests).toBeGreaterThanOrEqual(3);
    expect(agentBlue.errorRatio).toBeGreaterThan(0.9);
    expect(() => judge("blue", failing, thresholds)).toThrow(AnalysisBreach);
    expect(breaches(failing, thresholds)[0]).toMatch(/^agent: 5xx ratio \d+\.\d\d% \(\d+ of \d+\) > 1\.00%$/);

    const agentGreen = healthy.find((f) => f.service === "agent")!;
    expect(agentGreen.requests).toBeGreaterThanOrEqual(3);
    expect(agentGreen.errorRatio).toBe(0);
    expect(breaches([agentGreen], thresholds)).toEqual([]);
  });

  it("refuses the flip when the idle colour passes its smoke tests but too slowly for the p99 threshold", async () => {
    worlds.blue.proxy.delay(150);
    stack.config.set("release.analysis.maxP99Seconds", "0.1");
    const { ctx, lines } = flowContext();
    let ok: boolean;
    try {
      ok = await promote(ctx);
    } finally {
      worlds.blue.proxy.delay(0);
      stack.config.set("release.analysis.maxP99Seconds", "4");
    }

    expect(ok).toBe(false);
    expect(await liveColour()).toBe("green");
    const text = lines.join("\n");
    expect(text).toMatch(/✓ smoke-test blue with x-moon-colour: blue/);
    expect(text).toMatch(
      /✗ analyse blue in Prometheus over the smoke tests .*: blue is outside the release thresholds: .*p99 \d\.\d{3}s > 0\.100s/,
    );
    expect(text).not.toMatch(/flip traffic/);
    expect(lines.at(-1)).toBe("Traffic stays on green.");
    console.log(`[slow] ${lines.filter((l) => /requests, 5xx/.test(l)).join("\n")}`);
  });

  it("rolls back by itself when the new live colour starts failing during the watch", async () => {
    // Promote blue again; once its verification passed and the watch begins, its database goes away.
    const load = startLoad([null]);
    const { ctx, lines } = flowContext((line) => {
      if (line.startsWith("▶ watch blue live")) worlds.blue.proxy.cut();
    });
    let ok: boolean;
    try {
      ok = await promote(ctx);
    } finally {
      worlds.blue.proxy.restore();
    }
    const statuses = await load.stop();

    expect(ok).toBe(false);
    expect(await liveColour()).toBe("green");
    const text = lines.join("\n");
    expect(text).toMatch(/✓ analyse blue in Prometheus over the smoke tests/);
    expect(text).toMatch(/✗ watch blue live for 4s .*: blue is outside the release thresholds: agent: 5xx ratio/);
    expect(text).toMatch(/✓ roll back: move traffic back to green/);
    expect(lines.at(-1)).toBe("Rolled back automatically: green is live again.");
    expect(statuses["blue 503"]).toBeGreaterThan(0);
    console.log(`[rollback] load ${JSON.stringify(statuses)}\n${lines.filter((l) => /5xx/.test(l)).join("\n")}`);
  });
});
