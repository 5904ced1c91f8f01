import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiKey, startWorld, type World } from "../test/stacks/harness.js";
import { type CliDeps, main } from "./commands.js";

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

function cli(env: Record<string, string | undefined> = { MOON_API_KEY: apiKey }, ask?: CliDeps["ask"]) {
  const out: string[] = [];
  const err: string[] = [];
  const deps: CliDeps = {
    selectStack: async (name) => {
      if (name !== "test") throw new Error(`stack ${name} does not exist`);
      return world.stack;
    },
    env,
    print: (line) => out.push(line),
    printError: (line) => err.push(line),
    ask,
    timing: { pollMs: 25, lockSettleMs: 5 },
  };
  return { run: (...argv: string[]) => main(argv, deps), out, err };
}

describe("command line", () => {
  it.each([
    [
      "release",
      [
        "--image <ref>",
        "--yes",
        "--wait <seconds>",
        "--url <base>",
        "MOON_GATEWAY_URL",
        "MOON_API_KEY",
        "x-moon-colour",
        "roll",
        "Exit status",
      ],
    ],
    ["promote", ["--yes", "--wait <seconds>", "--url <base>", "MOON_GATEWAY_URL", "MOON_API_KEY", "smoke-test"]],
    ["rollback", ["--yes", "No smoke", "Exit status"]],
    ["status", ["--json", "lock"]],
  ])("documents %s in --help", async (command, mentions) => {
    const { run, out } = cli();
    expect(await run(command, "--help")).toBe(0);
    const text = out.join("\n");
    expect(text).toContain(`usage: npm run ${command} -- --stack <name>`);
    for (const mention of mentions) expect(text).toContain(mention);
  });

  it("releases end to end through the command line", async () => {
    const { run, out } = cli();
    expect(await run("release", "--stack", "test", "--image", "moon:v2", "--yes", "--wait", "2")).toBe(0);
    expect(await world.liveColour()).toBe("green");
    expect(out.join("\n")).not.toContain(apiKey);

    const status = cli();
    expect(await status.run("status", "-s", "test", "--json")).toBe(0);
    expect(JSON.parse(status.out.join("\n"))).toMatchObject({
      live: "green",
      idle: "blue",
      images: { green: "moon:v2" },
    });
  });

  it("takes the gateway URL from --url, else MOON_GATEWAY_URL, when the stack has no url output", async () => {
    world.stack.url = undefined;
    const missing = cli();
    expect(await missing.run("promote", "--stack", "test", "--yes", "--wait", "2")).toBe(1);
    expect(missing.out.join("\n")).toMatch(/no url output .*pass --url http:\/\/<address> or set MOON_GATEWAY_URL/);

    const fromEnv = cli({ MOON_API_KEY: apiKey, MOON_GATEWAY_URL: world.gateway.url });
    expect(await fromEnv.run("release", "--stack", "test", "--image", "moon:v2", "--yes", "--wait", "2")).toBe(0);
    expect(await world.liveColour()).toBe("green");

    // --url wins over the variable.
    const fromFlag = cli({ MOON_API_KEY: apiKey, MOON_GATEWAY_URL: "http://127.0.0.1:9" });
    expect(await fromFlag.run("promote", "--stack", "test", "--yes", "--wait", "2", "--url", world.gateway.url)).toBe(
      0,
    );
    expect(await world.liveColour()).toBe("blue");
  });

  it("analyses only where there is a Prometheus: warns where monitoring is off, stops where it cannot reach one", async () => {
    const off = cli();
    expect(await off.run("promote", "--stack", "test", "--yes", "--wait", "2")).toBe(0);
    expect(off.out.join("\n")).toMatch(/warning: monitoring is off on stack test .*only smoke-tested/);

    // Monitoring on, but the stack exports no Prometheus location: the flip is refused, saying what to pass.
    world.stack.config.set("monitoring.enabled", "true");
    const unknown = cli();
    expect(await unknown.run("promote", "--stack", "test", "--yes", "--wait", "2")).toBe(1);
    expect(unknown.out.join("\n")).toMatch(/✗ analyse blue in Prometheus .*no prometheus output .*--prometheus-url/);
    expect(unknown.out.at(-1)).toBe("Traffic stays on green.");

    const unreachable = cli();
    const args = ["--stack", "test", "--yes", "--wait", "2", "--prometheus-url", "http://127.0.0.1:9"];
    expect(await unreachable.run("promote", ...args)).toBe(1);
    expect(unreachable.out.join("\n")).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:9 is unreachable/);
    expect(await world.liveColour()).toBe("green");
  });

  it("exits 1 with a report when the release fails", async () => {
    world.green.broken.add("/targets");
    const { run, out } = cli();
    expect(await run("release", "--stack", "test", "--image", "moon:v2", "--yes", "--wait", "2")).toBe(1);
    expect(out.join("\n")).toMatch(/Release to test FAILED/);
    expect(out.at(-1)).toBe("Traffic stays on blue; green runs moon:v2 for inspection.");
  });

  it("asks before deploying on a terminal, and stops without a terminal unless --yes", async () => {
    const questions: string[] = [];
    const asked = cli({ MOON_API_KEY: apiKey }, async (question) => {
      questions.push(question);
      return false;
    });
    expect(await asked.run("release", "--stack", "test", "--image", "moon:v2")).toBe(1);
    expect(questions).toEqual(["Deploy moon:v2 to green on stack test?"]);

    const unattended = cli();
    expect(await unattended.run("rollback", "--stack", "test")).toBe(1);
    expect(unattended.out.join("\n")).toMatch(/pass --yes to run unattended/);
    expect(world.stack.ups).toBe(0);
  });

  it.each([
    [["release", "--stack", "test"], /--image is required/],
    [["promote", "--image", "x", "--stack", "test"], /--image is not an option of promote/],
    [["status"], /--stack is required/],
    [["release", "--stack", "test", "--image", "m:1", "--wait", "soon"], /--wait must be a positive number/],
    [
      ["promote", "--stack", "test", "--url", "gateway.example.com"],
      /--url must be an http:\/\/ or https:\/\/ base URL/,
    ],
    [["rollback", "--stack", "test", "--url", "http://x"], /--url is not an option of rollback/],
    [
      ["promote", "--stack", "test", "--prometheus-url", "prometheus:9090"],
      /--prometheus-url must be an http:\/\/ or https:\/\/ base URL/,
    ],
    [["rollback", "--stack", "test", "--prometheus-url", "http://x"], /--prometheus-url is not an option of rollback/],
    [["deploy"], /unknown command "deploy"/],
  ])("rejects bad usage %j with exit 2", async (argv, message) => {
    const { run, err } = cli();
    expect(await run(...argv)).toBe(2);
    expect(err.join("\n")).toMatch(message);
  });

  it("exits 1 with a message when the stack cannot be selected", async () => {
    const { run, err } = cli();
    expect(await run("status", "--stack", "nowhere")).toBe(1);
    expect(err).toEqual(["status failed: stack nowhere does not exist"]);
  });

  it("needs MOON_API_KEY for commands that smoke-test", async () => {
    const { run, err } = cli({});
    expect(await run("promote", "--stack", "test", "--yes")).toBe(2);
    expect(err.join("\n")).toMatch(/MOON_API_KEY is not set/);
  });

  it("answers --help from the real entry point", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--import",
      "tsx",
      "stacks/cli.ts",
      "rollback",
      "--help",
    ]);
    expect(stdout).toContain("usage: npm run rollback -- --stack <name> [--yes]");
  });
});
