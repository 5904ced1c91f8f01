// The few stack operations the release flows need. The real implementation drives the Pulumi
// Automation API (automation-stack.ts); tests use an in-memory one, so every decision the flows make
// is tested without a Pulumi CLI.

/** One resource step a preview says it would take, e.g. `{ op: "replace", urn: "urn:pulumi:…" }`. */
export interface PlannedStep {
  op: string;
  urn: string;
}

export interface Preview {
  steps: PlannedStep[];
  /** Count per operation, as Pulumi reports it (`{ same: 40, update: 3 }`). */
  summary: Record<string, number>;
}

export interface StackOps {
  readonly name: string;
  /** A config value by path (`activeColor`, `images.green`); undefined when it is not set. */
  getConfig(path: string): Promise<string | undefined>;
  setConfig(path: string, value: string): Promise<void>;
  removeConfig(path: string): Promise<void>;
  preview(): Promise<Preview>;
  /** Deploys the current config; `progress` receives the engine's output line by line. */
  up(progress: (line: string) => void): Promise<void>;
  /** Outputs of the last deployment; empty before the first one. */
  outputs(): Promise<Record<string, unknown>>;
  /** Stack tags live in the state backend, so every machine sees them (the release lock uses one). */
  getTag(name: string): Promise<string | undefined>;
  setTag(name: string, value: string): Promise<void>;
  removeTag(name: string): Promise<void>;
}

/** Another update of the stack is in progress (Pulumi's own per-operation lock said no). */
export class StackBusyError extends Error {
  constructor(stack: string) {
    super(`stack ${stack} is being updated by someone else (Pulumi's update lock is held)`);
    this.name = "StackBusyError";
  }
}
