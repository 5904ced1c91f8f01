import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorld, type World } from "../test/stacks/harness.js";
import { promote } from "./promote.js";

let world: World;
beforeEach(async () => {
  // An earlier release deployed moon:v2 to green but stopped before its flip.
  world = await startWorld({ config: { activeColor: "blue", "images.blue": "moon:v1", "images.green": "moon:v2" } });
});
afterEach(async () => {
  await world.close();
});

describe("promote", () => {
  it("smoke-tests the idle colour and moves traffic to it without deploying an image", async () => {
    const { ctx, lines } = world.context();

    expect(await promote(ctx)).toBe(true);

    expect(world.stack.ups).toBe(1); // the flip only
    expect(await world.stack.outputs()).toMatchObject({
      activeColor: "green",
      images: { blue: "moon:v1", green: "moon:v2" },
    });
    expect(await world.liveColour()).toBe("green");
    expect(world.green.requests).toContain("POST /agents");
    expect(lines.at(-1)).toBe("green is live; blue is idle and ready for a rollback.");
  });

  it("leaves traffic alone when the idle colour fails its smoke test", async () => {
    world.green.broken.add("/agents");
    const { ctx, lines } = world.context();

    expect(await promote(ctx)).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(await world.liveColour()).toBe("blue");
    expect(lines.join("\n")).toMatch(/✗ POST \/agents SMOKE-T1: expected 201, got 500/);
    expect(lines.at(-1)).toBe("Traffic stays on blue.");
  });

  it("stops before asking when the stack has no url output and none is given, and uses one given", async () => {
    world.stack.url = undefined;
    const questions: string[] = [];
    const missing = world.context({
      confirm: async (question) => {
        questions.push(question);
        return true;
      },
    });

    expect(await promote(missing.ctx)).toBe(false);

    expect(questions).toEqual([]);
    expect(world.stack.ups).toBe(0);
    expect(missing.lines.join("\n")).toMatch(/✗ read the gateway URL: the stack has no url output .*--url/);

    expect(await promote(world.context({ gatewayUrl: world.gateway.url }).ctx)).toBe(true);
    expect(await world.liveColour()).toBe("green");
  });

  it("refuses when the idle colour has never been deployed", async () => {
    await world.close();
    world = await startWorld({ config: { activeColor: "blue", "images.blue": "moon:v1" } });
    const { ctx, lines } = world.context();

    expect(await promote(ctx)).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(lines.join("\n")).toMatch(/green has no deployed image to promote/);
  });

  it("refuses a flip whose preview would replace anything, and keeps the config saying what is live", async () => {
    world.stack.forcedSteps = [{ op: "replace", urn: world.stack.urn("kubernetes:core/v1:Namespace", "moon") }];
    const { ctx, lines } = world.context();

    expect(await promote(ctx)).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(world.stack.config.get("activeColor")).toBe("blue");
    expect(lines.join("\n")).toMatch(/the flip would replace moon; a flip may change routing only/);
  });

  it("leaves traffic alone when someone else's update takes the stack between the flip's preview and up", async () => {
    let releaseUpdateLock = () => {};
    world.stack.afterPreview = () => {
      releaseUpdateLock = world.stack.holdUpdateLock();
    };
    const { ctx, lines } = world.context();

    const succeeded = await promote(ctx);
    releaseUpdateLock();

    expect(succeeded).toBe(false);
    expect(world.stack.ups).toBe(0);
    expect(world.stack.config.get("activeColor")).toBe("blue");
    expect(await world.liveColour()).toBe("blue");
    const output = lines.join("\n");
    expect(output).toMatch(/being updated by someone else/);
    expect(output).not.toMatch(/roll back/);
    expect(lines.at(-1)).toBe("Traffic stays on blue.");
  });
});
