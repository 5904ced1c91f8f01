// `release`: deploy an image to the idle colour, test it where it will run, then move traffic to it.

import type { Colour } from "../contract/index.js";
import { confirmOrStop, type FlowContext, runFlow } from "./flow-context.js";
import { describeLive, gatewayUrl, pinLiveConfig, readLiveState } from "./live-state.js";
import { describeSummary, forbiddenSteps, resourceName } from "./preview-guard.js";
import type { Preview } from "./stack-ops.js";
import { cutOver } from "./traffic.js";

export async function release(ctx: FlowContext, image: string): Promise<boolean> {
  const { log, stack } = ctx;
  return runFlow(ctx, `Release to ${stack.name}`, async (outcome) => {
    const live = await log.step("read the live colours", () => readLiveState(stack), describeLive);
    const { active, idle } = live;
    // A deployed stack without a gateway URL would fail only after deploying: say so before changing anything.
    if (live.deployed) gatewayUrl(live, ctx.gatewayUrl);
    const previousIdleImage = live.images[idle];

    await log.step(`set images.${idle} to ${image}`, async () => {
      await pinLiveConfig(stack, live);
      await stack.setConfig(`images.${idle}`, image);
    });
    try {
      await log.step(
        `preview the change to ${idle}`,
        async () => {
          const preview = await stack.preview();
          for (const step of preview.steps) log.detail(`${step.op} ${resourceName(step.urn)}`);
          refuseOutsideIdle(preview, idle);
          return preview;
        },
        describeSummary,
      );
      await confirmOrStop(ctx, `Deploy ${image} to ${idle} on stack ${stack.name}?`);
    } catch (err) {
      // Nothing was deployed: put the config back so this checkout still says what is live.
      if (previousIdleImage) await stack.setConfig(`images.${idle}`, previousIdleImage);
      else await stack.removeConfig(`images.${idle}`);
      throw err;
    }

    outcome.text = `Traffic stays on ${active}; ${idle} may be partly updated.`;
    await log.step(`deploy ${image} to ${idle}`, () => stack.up((line) => log.detail(line)));
    outcome.text = `Traffic stays on ${active}; ${idle} runs ${image} for inspection.`;

    const readUrl = async () => gatewayUrl(await readLiveState(stack), ctx.gatewayUrl);
    const url = await log.step("read the gateway URL", readUrl, (found) => found);
    await cutOver(ctx, url, active, idle, outcome);
    outcome.text = `Released ${image}: ${idle} is live; ${active} keeps ${live.images[active] ?? "no image"} for a rollback.`;
  });
}

function refuseOutsideIdle(preview: Preview, idle: Colour): void {
  const forbidden = forbiddenSteps(preview, idle);
  if (forbidden.length === 0) return;
  const listed = forbidden.map((step) => `${step.op} ${step.urn}`).join("; ");
  throw new Error(`refused: the preview would ${listed}. A release may replace or delete only ${idle} resources.`);
}
