import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorld, type World } from "../test/stacks/harness.js";
import { lockTag } from "./release-lock.js";
import { printStatus, readStatus } from "./status.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

describe("status", () => {
  it("shows which colour is live, each colour's image, the URL and a free lock", async () => {
    const lines: string[] = [];
    printStatus(await readStatus(world.stack), (line) => lines.push(line));

    expect(lines).toEqual([
      "stack test",
      "  live   blue   moon:v1",
      "  idle   green  moon:v0",
      `  url        ${world.gateway.url}`,
      "  namespace  moon",
      "  lock       free",
    ]);
  });

  it("reports who holds the lock and where this checkout's config differs from what is deployed", async () => {
    world.stack.tags.set(
      lockTag,
      JSON.stringify({ holder: "ana@laptop", since: "2026-01-02T03:04:05.000Z", token: "t" }),
    );
    world.stack.config.set("activeColor", "green");

    const status = await readStatus(world.stack);

    expect(status.lock).toBe("ana@laptop since 2026-01-02T03:04:05.000Z");
    expect(status.configDrift).toEqual(["activeColor is green (deployed: blue)"]);
    expect(status.live).toBe("blue");
  });

  it("reads colours from config before the first deployment", async () => {
    await world.close();
    world = await startWorld({ config: { activeColor: "green", "images.green": "moon:v1" }, deployed: false });

    const status = await readStatus(world.stack);

    expect(status).toMatchObject({
      deployed: false,
      live: "green",
      idle: "blue",
      images: { green: "moon:v1" },
      url: null,
    });
  });
});
