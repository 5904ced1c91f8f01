// `rollback`: move traffic straight back to the idle colour, which still runs the previous release.
// No smoke tests: this is the way out when the live colour is misbehaving, and speed matters more.
import { confirmOrStop, type FlowContext, runFlow } from "./flow-context.js";
import { describeLive, readLiveState } from "./live-state.js";
import { moveTraffic } from "./traffic.js";

export async function rollback(ctx: FlowContext): Promise<boolean> {
  const { log, stack } = ctx;
  return runFlow(ctx, `Rollback on ${stack.name}`, async (outcome) => {
    const live = await log.step("read the live colours", () => readLiveState(stack), describeLive);
    const { active, idle } = live;
    if (!live.deployed || !live.images[idle]) throw new Error(`${idle} has no deployed image to roll back to`);
    await confirmOrStop(
      ctx,
      `Move traffic on stack ${stack.name} back from ${active} to ${idle} (${live.images[idle]}), untested?`,
    );
    outcome.text = `Traffic may be on either colour; check \`npm run status -- --stack ${stack.name}\`.`;
    await log.step(`move traffic from ${active} to ${idle}`, () => moveTraffic(ctx, idle));
    outcome.text = `${idle} is live again (${live.images[idle]}); ${active} is idle.`;
  });
}
