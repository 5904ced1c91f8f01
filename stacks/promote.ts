// `promote`: move traffic to the idle colour after smoke-testing it; nothing is deployed.
import { confirmOrStop, type FlowContext, runFlow } from "./flow-context.js";
import { describeLive, gatewayUrl, readLiveState } from "./live-state.js";
import { cutOver } from "./traffic.js";

export async function promote(ctx: FlowContext): Promise<boolean> {
  const { log, stack } = ctx;
  return runFlow(ctx, `Promote on ${stack.name}`, async (outcome) => {
    const live = await log.step("read the live colours", () => readLiveState(stack), describeLive);
    const { active, idle } = live;
    if (!live.deployed || !live.images[idle]) throw new Error(`${idle} has no deployed image to promote`);
    const url = await log.step(
      "read the gateway URL",
      async () => gatewayUrl(live, ctx.gatewayUrl),
      (found) => found,
    );
    await confirmOrStop(ctx, `Move traffic on stack ${stack.name} from ${active} to ${idle} (${live.images[idle]})?`);
    outcome.text = `Traffic stays on ${active}.`;
    await cutOver(ctx, url, active, idle, outcome);
  });
}
