// `npm run render`: the same machinery as the tests, through a real process, as CI and reviewers use it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { toResourceList, toYaml } from "./objects.js";
import { render } from "./render.js";

const root = new URL("../..", import.meta.url).pathname;

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", "infra/render/cli.ts", ...args], {
    cwd: root,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );

// Each case starts Node with tsx and runs the whole program: on a loaded two-core machine that can
// take more than the suite's default minute.
describe("render CLI", { timeout: 240_000 }, () => {
  it("prints the local stack as multi-document YAML with overrides applied and Secrets masked", async () => {
    const { code, stdout } = await run(
      "local",
      "--set",
      "activeColor=green",
      "--set",
      "apiKeys=admin:cli-test-admin-key-123456",
    );
    expect(code).toBe(0);
    const docs = parseAllDocuments(stdout).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: any; stringData?: any },
    );
    expect(docs.length).toBeGreaterThan(40);
    expect(
      docs.find((d) => d.kind === "HTTPRoute" && d.metadata.name === "agent")!.spec.rules[0].backendRefs[0].name,
    ).toBe("agent-green");
    expect(docs.find((d) => d.kind === "Secret" && d.metadata.name === "credentials")!.stringData.API_KEYS).toBe(
      "[secret]",
    );
    expect(stdout).not.toContain("cli-test-admin-key-123456");
    // All of it, byte for byte what the in-process render gives (a piped stdout is not cut short).
    const inProcess = await render({
      stack: "local",
      set: { activeColor: "green", apiKeys: "admin:cli-test-admin-key-123456" },
    });
    expect(stdout).toBe(toYaml(inProcess.resources));
  });

  it("prints every resource as JSON with --resources", async () => {
    const { code, stdout } = await run("local", "--resources");
    expect(code).toBe(0);
    const list = JSON.parse(stdout) as { type: string; name: string; inputs: unknown }[];
    expect(list.map((r) => r.type)).toEqual(
      expect.arrayContaining([
        "kubernetes:helm.sh/v3:Release",
        "moon:k8s:ColourService",
        "pulumi:providers:kubernetes",
      ]),
    );
    expect(stdout).not.toContain("fake-password-mysql-app");
    expect(list).toEqual(toResourceList((await render({ stack: "local" })).resources));
  });

  it("exits non-zero with the message on a config error or a bad invocation", async () => {
    const bad = await run("local", "--set", "activeColor=purple");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("moon-agent-tracker:activeColor");
    expect(bad.stdout).toBe("");
    expect((await run("nosuchstack")).stderr).toMatch(/no stack file .*Pulumi\.nosuchstack\.yaml/);
    expect((await run()).code).toBe(64);
  });
});
