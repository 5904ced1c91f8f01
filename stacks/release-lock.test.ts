import { describe, expect, it } from "vitest";
import { MemoryStack } from "../test/stacks/memory-stack.js";
import { acquireLock, lockHolder, lockTag } from "./release-lock.js";

const options = { holder: "me", settleMs: 5, staleAfterMs: 60_000 };
const newStack = () => new MemoryStack("lock-test", "http://127.0.0.1:9", {});

describe("release lock", () => {
  it("is held until released, and refuses others meanwhile", async () => {
    const stack = newStack();
    const lock = await acquireLock(stack, options);
    expect(await lockHolder(stack)).toMatch(/^me since /);

    await expect(acquireLock(stack, { ...options, holder: "you" })).rejects.toThrow(
      /locked by another release: me since/,
    );

    await lock.release();
    expect(stack.tags.has(lockTag)).toBe(false);
    await (await acquireLock(stack, { ...options, holder: "you" })).release();
  });

  it("lets exactly one of two simultaneous takers win", async () => {
    const stack = newStack();
    const results = await Promise.allSettled([
      acquireLock(stack, { ...options, holder: "a" }),
      acquireLock(stack, { ...options, holder: "b" }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("takes over a lock left by a run that died, and says whose it was", async () => {
    const stack = newStack();
    const since = new Date(Date.now() - 120_000).toISOString();
    stack.tags.set(lockTag, JSON.stringify({ holder: "crashed run", since, token: "old" }));

    const lock = await acquireLock(stack, options);

    expect(lock.tookOver?.holder).toBe("crashed run");
    expect(await lockHolder(stack)).toMatch(/^me since /);
  });

  it("treats a tag it cannot read as held, so a human decides", async () => {
    const stack = newStack();
    stack.tags.set(lockTag, "set by hand");

    await expect(acquireLock(stack, options)).rejects.toThrow(/unknown \(set by hand\)/);
  });

  it("does not remove a lock that was taken over from it", async () => {
    const stack = newStack();
    const lock = await acquireLock(stack, options);
    stack.tags.set(lockTag, JSON.stringify({ holder: "new owner", since: new Date().toISOString(), token: "other" }));

    await lock.release();

    expect(await lockHolder(stack)).toMatch(/^new owner/);
  });
});
