// `promote`: move traffic to the idle colour after smoke-testing it; nothing is deployed.
import { confirmOrStop, withLock, type FlowContext } from "./flow-context.js";
import { describeLive, gatewayUrl, readLiveState } from "./live-state.js";
import { errorMessage } from "./step-log.js";
import { cutOver, type Outcome } from "./traffic.js";

export async function promote(ctx: FlowContext): Promise<boolean> {
  const { log, stack } = ctx;
  const outcome: Outcome = { text: "Nothing was changed." };
  try {
    await withLock(ctx, async () => {
      const live = await log.step("read the live colours", () => readLiveState(stack), describeLive);
      const { active, idle } = live;
      if (!live.deployed || !live.images[idle]) throw new Error(`${idle} has no deployed image to promote`);
      const url = await log.step("read the gateway URL", async () => gatewayUrl(live, ctx.gatewayUrl), (found) => found);
      await confirmOrStop(ctx, `Move traffic on stack ${stack.name} from ${active} to ${idle} (${live.images[idle]})?`);
      outcome.text = `Traffic stays on ${active}.`;
      await cutOver(ctx, url, active, idle, outcome);
    });
    log.report(`Promote on ${stack.name} succeeded.`, outcome.text);
    return true;
  } catch (err) {
    log.report(`Promote on ${stack.name} FAILED: ${errorMessage(err)}`, outcome.text);
    return false;
  }
}
