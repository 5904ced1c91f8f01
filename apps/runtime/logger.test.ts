import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

// The logger writes stdout in batches (lines logged within a few milliseconds go out together); a
// batch must never be lost, whichever way the process ends, nor held back while the process idles.
function run(lines: number, ending: string, until?: (out: string) => boolean) {
  const child = spawn(process.execPath, ["--import", "tsx", "test/runtime/log-lines.ts", String(lines), ending], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  // A process that stays is stopped after 5 s, whatever it wrote by then.
  if (until) setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (until?.(out)) child.kill("SIGKILL");
  });
  return new Promise<{ lines: Array<{ n: number; msg: string }>; code: number | null }>((resolve) =>
    child.on("close", (code) =>
      resolve({
        code,
        lines: out
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      }),
    ),
  );
}

const numbered = (count: number) => Array.from({ length: count }, (_, i) => i);

describe("batched stdout", () => {
  it.each(["exit", "natural", "throw"])("writes every line, in order, when the process ends by %s", async (ending) => {
    const { lines } = await run(20_000, ending);
    expect(lines.map((l) => l.n)).toStrictEqual(numbered(20_000));
    expect(lines.every((l) => l.msg === "line")).toBe(true);
  });

  it("writes a line while the process idles, without waiting for more lines or its end", async () => {
    const { lines, code } = await run(1, "stay", (out) => out.includes('"n":0'));
    expect(lines.map((l) => l.n)).toStrictEqual([0]);
    expect(code).toBe(null); // killed: the line came while it was still running
  });
});
