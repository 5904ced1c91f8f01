import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorld, type World } from "../test/stacks/harness.js";
import { release } from "./release.js";
import { lockTag } from "./release-lock.js";
import { rollback } from "./rollback.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

describe("rollback", () => {
  it("moves traffic back to the previous colour without testing anything", async () => {
    expect(await release(world.context().ctx, "moon:v2")).toBe(true);
    expect(await world.liveColour()).toBe("green");
    const requestsBefore = world.blue.requests.length + world.green.requests.length;
    const { ctx, lines } = world.context({ apiKey: undefined });

    expect(await rollback(ctx)).toBe(true);

    expect(world.stack.deployedActiveColour).toBe("blue");
    expect(world.blue.requests.length + world.green.requests.length).toBe(requestsBefore);
    expect(await world.liveColour()).toBe("blue");
    // Green keeps the new image, so a later promote can move traffic forward again.
    expect(await world.stack.outputs()).toMatchObject({ images: { blue: "moon:v1", green: "moon:v2" } });
    expect(lines.join("\n")).toMatch(/✓ move traffic from green to blue/);
    expect(lines.at(-1)).toBe("blue is live again (moon:v1); green is idle.");
  });

  it("refuses while a release holds the stack", async () => {
    world.stack.tags.set(
      lockTag,
      JSON.stringify({ holder: "GitHub Actions run 42", since: new Date().toISOString(), token: "x" }),
    );
    const { ctx, lines } = world.context();

    expect(await rollback(ctx)).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(lines.join("\n")).toMatch(/locked by another release: GitHub Actions run 42/);
    expect(world.stack.tags.has(lockTag)).toBe(true); // someone else's lock is not ours to remove
  });

  it("refuses when there is no previous colour to go back to", async () => {
    await world.close();
    world = await startWorld({ config: { activeColor: "blue", "images.blue": "moon:v1" } });
    const { ctx, lines } = world.context();

    expect(await rollback(ctx)).toBe(false);

    expect(world.stack.ups).toBe(0);
    expect(lines.join("\n")).toMatch(/green has no deployed image to roll back to/);
  });
});
