import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiKey, startWorld, type World } from "../test/stacks/harness.js";
import { release } from "./release.js";
import { lockTag } from "./release-lock.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

const smokeRecords = () => [...world.store.agents.keys()].filter((code) => code.startsWith("SMOKE-"));

describe("release", () => {
  it("deploys to the idle colour, smoke-tests it, flips traffic to it and verifies", async () => {
    const { ctx, lines } = world.context();
    expect(await world.liveColour()).toBe("blue");

    expect(await release(ctx, "moon:v2")).toBe(true);

    const outputs = await world.stack.outputs();
    expect(outputs.activeColor).toBe("green");
    expect(outputs.images).toEqual({ blue: "moon:v1", green: "moon:v2" });
    expect(await world.liveColour()).toBe("green");
    expect(world.stack.ups).toBe(2); // deploy green, then flip
    // Smoke tests reached green both pinned and as the live colour; blue saw none of them.
    expect(world.green.requests).toContain("POST /agents");
    expect(
      world.green.requests.filter((r) => r === "DELETE /agents/SMOKE-T1" || r === "DELETE /agents/SMOKE-T2"),
    ).toHaveLength(2);
    expect(world.blue.requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    expect(world.green.authorizations).toEqual(new Set([`Bearer ${apiKey}`]));
    expect(smokeRecords()).toEqual([]);
    // The idle colour's migration Job is replaced by the new image: allowed, it is green's.
    expect(lines).toContain("    replace migrate-green");
    expect(lines.some((line) => line.includes("✓ smoke-test green with x-moon-colour: green"))).toBe(true);
    expect(lines.some((line) => line.includes("✓ smoke-test green with no colour header"))).toBe(true);
    expect(lines.at(-1)).toMatch(/Released moon:v2: green is live; blue keeps moon:v1/);
    expect(lines.join("\n")).not.toContain(apiKey);
    expect(world.stack.tags.has(lockTag)).toBe(false);
  });

  it("does not flip when the idle colour fails a smoke test", async () => {
    world.green.broken.add("/sales");
    const { ctx, lines } = world.context();

    expect(await release(ctx, "moon:v2")).toBe(false);

    expect(world.stack.deployedActiveColour).toBe("blue");
    expect(world.stack.ups).toBe(1); // green was deployed, traffic never moved
    expect(await world.liveColour()).toBe("blue");
    expect(world.blue.requests.filter((r) => r.startsWith("POST"))).toEqual([]);
    const output = lines.join("\n");
    expect(output).toMatch(/✗ GET \/sales\?limit=1: expected 200, got 500 \(green is broken here\)/);
    expect(output).toMatch(/Release to test FAILED/);
    expect(output).not.toMatch(/flip traffic/);
    expect(lines.at(-1)).toBe("Traffic stays on blue; green runs moon:v2 for inspection.");
    expect(smokeRecords()).toEqual([]); // the marked record is cleaned up even when a read failed
    expect(world.stack.tags.has(lockTag)).toBe(false);
  });

  it("rolls back by itself when the new colour fails once it is live", async () => {
    // Green passes while pinned, then breaks under live traffic.
    world.stack.onDeployed = (stack) => {
      if (stack.deployedActiveColour === "green") world.green.broken.add("/notifications");
      else world.green.broken.clear();
    };
    const { ctx, lines } = world.context();

    expect(await release(ctx, "moon:v2")).toBe(false);

    expect(world.stack.ups).toBe(3); // deploy, flip, roll back
    expect(world.stack.deployedActiveColour).toBe("blue");
    expect(await world.liveColour()).toBe("blue");
    const output = lines.join("\n");
    expect(output).toMatch(/✓ flip traffic from blue to green/);
    expect(output).toMatch(/✗ smoke-test green with no colour header/);
    expect(output).toMatch(/✓ roll back: move traffic back to blue/);
    expect(output).toMatch(/✓ check blue answers live traffic again/);
    expect(lines.at(-1)).toBe("Rolled back automatically: blue is live again.");
  });

  it("aborts before up when the preview would replace a live resource", async () => {
    world.stack.forcedSteps = [{ op: "replace", urn: world.stack.urn("kubernetes:apps/v1:Deployment", "agent-blue") }];
    const { ctx, lines } = world.context();

    expect(await release(ctx, "moon:v2")).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(world.stack.config.get("images.green")).toBe("moon:v0");
    expect(world.green.requests).toEqual([]);
    expect(lines.join("\n")).toMatch(
      /refused: the preview would replace urn:pulumi:test::moon-agent-tracker::kubernetes:apps\/v1:Deployment::agent-blue/,
    );
    expect(lines.at(-1)).toBe("Nothing was changed.");
  });

  it("leaves the idle image unset again when a refused release was its first", async () => {
    await world.close();
    world = await startWorld({ config: { activeColor: "blue", "images.blue": "moon:v1" } });
    world.stack.forcedSteps = [{ op: "delete", urn: world.stack.urn("kubernetes:core/v1:Service", "sales-blue") }];

    expect(await release(world.context().ctx, "moon:v2")).toBe(false);

    expect(world.stack.config.has("images.green")).toBe(false);
    expect(world.stack.ups).toBe(0);
  });

  it("deploys nothing when the operator does not confirm", async () => {
    const { ctx, lines } = world.context({ confirm: async () => false });

    expect(await release(ctx, "moon:v2")).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(lines.join("\n")).toMatch(/not confirmed; nothing was changed/);
  });

  it("refuses the second of two concurrent releases", async () => {
    const first = world.context();
    const second = world.context();

    const results = await Promise.all([release(first.ctx, "moon:v2"), release(second.ctx, "moon:v3")]);

    expect(results.sort()).toEqual([false, true]);
    const loser = results[0] ? second : first;
    expect(loser.lines.join("\n")).toMatch(/stack test is locked by another release: test run since/);
    expect(world.stack.ups).toBe(2); // only the winner deployed and flipped
    expect(world.stack.deployedActiveColour).toBe("green");
    expect(world.stack.tags.has(lockTag)).toBe(false);
  });

  it("stops when someone else's pulumi up holds the stack, leaving traffic where it is", async () => {
    const releaseUpdateLock = world.stack.holdUpdateLock();
    const { ctx, lines } = world.context();

    const succeeded = await release(ctx, "moon:v2");
    releaseUpdateLock();

    expect(succeeded).toBe(false);
    expect(world.stack.ups).toBe(0);
    expect(world.stack.deployedActiveColour).toBe("blue");
    expect(lines.join("\n")).toMatch(/being updated by someone else/);
  });

  it("stops before changing anything when the stack has no url output and none is given", async () => {
    world.stack.url = undefined;
    const { ctx, lines } = world.context();

    expect(await release(ctx, "moon:v2")).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(world.stack.previews).toBe(0);
    expect(world.stack.config.get("images.green")).toBe("moon:v0");
    const output = lines.join("\n");
    expect(output).toMatch(
      /the stack has no url output .*run `pulumi up --refresh`.*pass --url http:\/\/<address> or set MOON_GATEWAY_URL/,
    );
    expect(lines.at(-1)).toBe("Nothing was changed.");
  });

  it("smoke-tests through the given gateway URL when the stack has no url output", async () => {
    world.stack.url = undefined;
    const { ctx } = world.context({ gatewayUrl: world.gateway.url });

    expect(await release(ctx, "moon:v2")).toBe(true);

    expect(await world.liveColour()).toBe("green");
    expect(world.green.requests).toContain("POST /agents");
  });

  it("prefers the deployed colours over a stale config in this checkout", async () => {
    // As on a fresh CI checkout after an earlier release: the committed file still says blue.
    expect(await release(world.context().ctx, "moon:v2")).toBe(true);
    world.stack.config.set("activeColor", "blue");
    world.stack.config.delete("images.green");

    expect(await release(world.context().ctx, "moon:v3")).toBe(true);

    expect(await world.stack.outputs()).toMatchObject({
      activeColor: "blue",
      images: { blue: "moon:v3", green: "moon:v2" },
    });
    expect(await world.liveColour()).toBe("blue");
  });
});
