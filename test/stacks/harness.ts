// One test world: blue and green stand-in services sharing a store, the header-routing gateway in
// front of them, and an in-memory stack whose deployed activeColor the gateway follows.
import type { FlowContext } from "../../stacks/flow-context.js";
import { StepLog } from "../../stacks/step-log.js";
import { type AgentStore, type ColourService, startColourService } from "./colour-services.js";
import { type GatewayProxy, startGatewayProxy } from "./gateway-proxy.js";
import { MemoryStack } from "./memory-stack.js";

export const apiKey = "test-admin-key-7f3a9c";

export interface World {
  stack: MemoryStack;
  blue: ColourService;
  green: ColourService;
  gateway: GatewayProxy;
  store: AgentStore;
  /** Builds a flow context whose printed lines land in `lines`. */
  context(overrides?: Partial<FlowContext>): { ctx: FlowContext; lines: string[] };
  /** Which colour answers a request with no colour header, as a user would see it. */
  liveColour(): Promise<string | null>;
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Config the stack starts with (deployed before the test unless `deployed` is false). */
  config?: Record<string, string>;
  deployed?: boolean;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const store: AgentStore = { agents: new Map() };
  const blue = await startColourService("blue", store, apiKey);
  const green = await startColourService("green", store, apiKey);
  let stack: MemoryStack | undefined;
  const gateway = await startGatewayProxy({ blue: blue.url, green: green.url }, () => stack?.deployedActiveColour);
  stack = new MemoryStack(
    "test",
    gateway.url,
    options.config ?? { activeColor: "blue", "images.blue": "moon:v1", "images.green": "moon:v0" },
  );
  if (options.deployed !== false) await stack.seed();
  const liveStack = stack;

  return {
    stack: liveStack,
    blue,
    green,
    gateway,
    store,
    context(overrides = {}) {
      const lines: string[] = [];
      let smokeRuns = 0;
      const ctx: FlowContext = {
        stack: liveStack,
        log: new StepLog((line) => lines.push(line)),
        apiKey,
        wait: { timeoutMs: 1500, pollMs: 25 },
        lock: { holder: "test run", settleMs: 5, staleAfterMs: 60_000 },
        confirm: async () => true,
        smokeId: () => `T${++smokeRuns}`,
        ...overrides,
      };
      return { ctx, lines };
    },
    async liveColour() {
      const response = await fetch(`${gateway.url}/agents?limit=1`, { headers: { authorization: `Bearer ${apiKey}` } });
      await response.arrayBuffer();
      return response.headers.get("x-moon-colour");
    },
    async close() {
      await Promise.all([gateway.close(), blue.close(), green.close()]);
    },
  };
}
