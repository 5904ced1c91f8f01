// The CI workflows can only run on GitHub; what they promise is checked here by reading them.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
  uses?: string;
  needs?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: Record<string, string[]> };
  permissions?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const folder = new URL("../.github/workflows/", import.meta.url);
const workflows = Object.fromEntries(
  readdirSync(folder).map((file) => [file, parse(readFileSync(new URL(file, folder), "utf8")) as Workflow]),
);
const ci = workflows["ci.yml"] as Workflow;
const release = workflows["release.yml"] as Workflow;
const operate = workflows["operate.yml"] as Workflow;
const runs = (job: Job | undefined) => (job?.steps ?? []).map((step) => step.run ?? "").join("\n");

describe("CI workflows", () => {
  it("pin every action to an exact version", () => {
    const used = Object.values(workflows).flatMap((workflow) =>
      Object.values(workflow.jobs).flatMap((job) =>
        (job.steps ?? []).flatMap((step) => (step.uses ? [step.uses] : [])),
      ),
    );
    expect(used.length).toBeGreaterThan(10);
    for (const action of used) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+\.\d+\.\d+$/);
  });

  it("test pull requests with npm ci, npm test and an offline render of every stack", () => {
    expect(Object.keys(ci.on)).toContain("pull_request");
    expect(runs(ci.jobs.test)).toMatch(/^npm ci$/m);
    expect(runs(ci.jobs.test)).toMatch(/^npm test$/m);
    expect(ci.jobs.render?.strategy?.matrix.stack).toEqual(["local", "eks", "doks"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(runs(ci.jobs.render)).toContain('npm run --silent render -- "${{ matrix.stack }}"');
  });

  it.each([
    ["eks", "aws-actions/configure-aws-credentials@"],
    ["doks", "digitalocean/action-doctl@"],
  ])("on main, test, then push the image for %s and release it in that stack's concurrency group", (stack, login) => {
    expect(Object.keys(release.on)).toEqual(["push"]);
    expect(release.jobs.checks?.uses).toBe("./.github/workflows/ci.yml");
    const job = release.jobs[stack];
    expect(job?.needs).toBe("checks");
    expect(job?.concurrency).toEqual({ group: `release-${stack}`, "cancel-in-progress": false });
    const uses = (job?.steps ?? []).map((step) => step.uses ?? "");
    const loginAt = uses.findIndex((action) => action.startsWith(login));
    const pushAt = uses.findIndex((action) => action.startsWith("docker/build-push-action@"));
    const releaseAt = (job?.steps ?? []).findIndex((step) => step.run?.startsWith("npm run release"));
    expect(loginAt).toBeGreaterThan(-1);
    expect(pushAt).toBeGreaterThan(loginAt);
    expect(releaseAt).toBeGreaterThan(pushAt);
    expect(job?.steps?.[pushAt]?.with?.push).toBe(true);
    expect(runs(job)).toContain(`npm run release -- --stack ${stack} --image "$IMAGE" --yes`);
  });

  it("get AWS credentials through OIDC, not stored keys", () => {
    expect(release.jobs.eks?.permissions?.["id-token"]).toBe("write");
    const aws = release.jobs.eks?.steps?.find((step) =>
      step.uses?.startsWith("aws-actions/configure-aws-credentials@"),
    );
    expect(aws?.with).toHaveProperty("role-to-assume");
    expect(aws?.with).not.toHaveProperty("aws-access-key-id");
  });

  it("offer promote and rollback by hand, queued with the releases of the same stack", () => {
    const dispatch = operate.on.workflow_dispatch as { inputs: Record<string, { options: string[] }> };
    expect(dispatch.inputs.command?.options).toEqual(expect.arrayContaining(["promote", "rollback"]));
    expect(dispatch.inputs.stack?.options).toEqual(["eks", "doks"]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    expect(operate.jobs.operate?.concurrency?.group).toBe("release-${{ inputs.stack }}");
    expect(runs(operate.jobs.operate)).toContain('npm run "$COMMAND" -- --stack "$STACK" --yes');
  });
});
