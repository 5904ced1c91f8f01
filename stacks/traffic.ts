// Moving live traffic between colours: a config change and an `up`, which changes routing only.
import { activeColourKey, type Colour } from "../contract/index.js";
import { analysisGate } from "./analysis-gate.js";

import type { FlowContext, Outcome } from "./flow-context.js";
import { describeSummary, forbiddenSteps, resourceName } from "./preview-guard.js";
import { runSmokeChecks, waitForColour } from "./smoke.js";
import { StackBusyError } from "./stack-ops.js";

/** Sets activeColor and deploys it, showing the engine's progress. */
export async function moveTraffic(ctx: FlowContext, to: Colour): Promise<void> {
  await ctx.stack.setConfig(activeColourKey, to);
  await ctx.stack.up((line) => ctx.log.detail(line));
}

/**
 * Sets activeColor to `to` and previews it. A flip should touch routing only: if the preview would
 * replace or delete anything at all, the program changed under us, so refuse.
 */
async function previewFlip(ctx: FlowContext, to: Colour): Promise<void> {
  await ctx.stack.setConfig(activeColourKey, to);
  const preview = await ctx.stack.preview();
  const forbidden = forbiddenSteps(preview, null);
  if (forbidden.length > 0) {
    throw new Error(
      `the flip would ${forbidden.map((step) => `${step.op} ${resourceName(step.urn)}`).join(", ")}; ` +
        `a flip may change routing only (preview: ${describeSummary(preview)})`,
    );
  }
  ctx.log.detail(`preview: ${describeSummary(preview)}`);
}

/** Waits for `colour` to answer through the gateway, then runs the smoke checks against it. */
export async function smokeTest(ctx: FlowContext, url: string, colour: Colour, pinned: boolean): Promise<void> {
  if (!ctx.apiKey) throw new Error("no API key to smoke-test with (set MOON_API_KEY)");
  const target = { baseUrl: url, apiKey: ctx.apiKey, pin: pinned ? colour : null };
  const how = pinned ? `with x-moon-colour: ${colour}` : "with no colour header";
  await ctx.log.step(`wait for ${colour} to answer ${how}`, () => waitForColour(target, colour, ctx.wait));
  await ctx.log.step(`smoke-test ${colour} ${how}`, () => runSmokeChecks(target, colour, ctx.smokeId(), ctx.log));
}

/**
 * Smoke-tests the idle colour and checks its figures in Prometheus over those tests, flips to it,
 * verifies it as the live colour and watches it live for a while; on any failure after the flip
 * started, moves traffic back to `from` by itself.
 */
export async function cutOver(
  ctx: FlowContext,
  url: string,
  from: Colour,
  to: Colour,
  outcome: Outcome,
): Promise<void> {
  const analysis = await analysisGate(ctx);
  const smokeStarted = Date.now() / 1000;
  await smokeTest(ctx, url, to, true);
  await analysis?.checkWindow(to, { from: smokeStarted, to: Date.now() / 1000 });
  let flipDeploying = false;
  try {
    await ctx.log.step(`flip traffic from ${from} to ${to}`, async () => {
      await previewFlip(ctx, to);
      flipDeploying = true;
      await ctx.stack.up((line) => ctx.log.detail(line));
    });
    const live = Date.now() / 1000;
    await smokeTest(ctx, url, to, false);
    await analysis?.watch(to, live);
  } catch (err) {
    // Traffic moved only if the flip's `up` ran; Pulumi's lock refusing it means it never started.
    if (flipDeploying && !(err instanceof StackBusyError)) await rollBackAfterFailure(ctx, url, from, outcome);
    else await ctx.stack.setConfig(activeColourKey, from);
    throw err;
  }
  outcome.text = `${to} is live; ${from} is idle and ready for a rollback.`;
}

async function rollBackAfterFailure(ctx: FlowContext, url: string, from: Colour, outcome: Outcome): Promise<void> {
  const retry = `run \`npm run rollback -- --stack ${ctx.stack.name} --yes\` or fix it by hand`;
  try {
    await ctx.log.step(`roll back: move traffic back to ${from}`, () => moveTraffic(ctx, from));
  } catch {
    outcome.text = `ROLLBACK FAILED: live traffic may still be on the new colour; ${retry}.`;
    return;
  }
  try {
    const target = { baseUrl: url, apiKey: ctx.apiKey ?? "", pin: null };
    await ctx.log.step(`check ${from} answers live traffic again`, () => waitForColour(target, from, ctx.wait));
    outcome.text = `Rolled back automatically: ${from} is live again.`;
  } catch {
    outcome.text = `ROLLED BACK, BUT ${from} does not answer live traffic as expected: check the gateway now.`;
  }
}
