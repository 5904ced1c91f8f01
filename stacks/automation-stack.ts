// StackOps over the Pulumi Automation API: the program is the local one in this repository.
import { fileURLToPath } from "node:url";
import {
  ConcurrentUpdateError,
  type EngineEvent,
  LocalWorkspace,
  type Stack,
  StackNotFoundError,
} from "@pulumi/pulumi/automation/index.js";
import { type PlannedStep, type Preview, StackBusyError, type StackOps } from "./stack-ops.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export async function selectStack(name: string): Promise<StackOps> {
  let stack: Stack;
  try {
    stack = await LocalWorkspace.selectStack({ stackName: name, workDir: repoRoot });
  } catch (err) {
    if (err instanceof StackNotFoundError) {
      throw new Error(`stack ${name} does not exist in the current backend (pulumi stack ls lists them)`);
    }
    if (err instanceof Error && /ENOENT/.test(err.message)) {
      throw new Error("the pulumi CLI is not on PATH; the Automation API drives it");
    }
    throw err;
  }
  return new AutomationStack(stack);
}

class AutomationStack implements StackOps {
  constructor(private readonly stack: Stack) {}

  get name(): string {
    return this.stack.name;
  }

  async getConfig(path: string): Promise<string | undefined> {
    try {
      return (await this.stack.getConfig(path, true)).value;
    } catch (err) {
      // `pulumi config get` fails for a missing key; the flows treat that as "not set".
      if (err instanceof Error && /not found/i.test(err.message)) return undefined;
      throw err;
    }
  }

  async setConfig(path: string, value: string): Promise<void> {
    await this.stack.setConfig(path, { value }, true);
  }

  async removeConfig(path: string): Promise<void> {
    await this.stack.removeConfig(path, true);
  }

  async preview(): Promise<Preview> {
    const steps: PlannedStep[] = [];
    const collect = (event: EngineEvent) => {
      const step = event.resourcePreEvent?.metadata;
      if (step && step.op !== "same") steps.push({ op: step.op, urn: step.urn });
    };
    const result = await this.busyAware(() => this.stack.preview({ onEvent: collect, color: "never" }));
    return { steps, summary: { ...result.changeSummary } as Record<string, number> };
  }

  async up(progress: (line: string) => void): Promise<void> {
    const lines = lineSplitter(progress);
    try {
      await this.busyAware(() => this.stack.up({ onOutput: lines.push, color: "never" }));
    } finally {
      lines.flush();
    }
  }

  async outputs(): Promise<Record<string, unknown>> {
    const outputs = await this.stack.outputs();
    return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
  }

  async getTag(name: string): Promise<string | undefined> {
    return (await this.stack.listTags())[name];
  }

  async setTag(name: string, value: string): Promise<void> {
    await this.stack.setTag(name, value);
  }

  async removeTag(name: string): Promise<void> {
    await this.stack.removeTag(name);
  }

  private async busyAware<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof ConcurrentUpdateError) throw new StackBusyError(this.name);
      throw err;
    }
  }
}

/** The engine's output arrives in arbitrary chunks; progress is easier to read a line at a time. */
function lineSplitter(emit: (line: string) => void) {
  let pending = "";
  return {
    push: (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) emit(line);
    },
    flush: () => {
      if (pending.trim()) emit(pending);
      pending = "";
    },
  };
}
