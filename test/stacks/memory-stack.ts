// An in-memory stand-in for a deployed stack: config, a model of the resources the real program
// creates per colour, previews that diff config against what is deployed, and Pulumi's rule that one
// update runs at a time. The gateway proxy reads `deployed` to route, so a flip really moves traffic.
import { activeColourKey, type Colour, colours, idleColourOutput, otherColour } from "../../contract/index.js";
import { type PlannedStep, type Preview, StackBusyError, type StackOps } from "../../stacks/stack-ops.js";

const project = "moon-agent-tracker";
const services = ["agent", "sales", "notification"];

interface Deployment {
  config: Map<string, string>;
  resources: Map<string, string>;
}

export class MemoryStack implements StackOps {
  readonly config = new Map<string, string>();
  readonly tags = new Map<string, string>();
  deployed: Deployment | null = null;
  /** Extra steps every preview and up would take, e.g. a replace the program now forces. */
  forcedSteps: PlannedStep[] = [];
  /** Called after each preview, e.g. to let someone else's update start right after it. */
  afterPreview: () => void = () => {};
  /** Called after each successful up, with what is now deployed. */
  onDeployed: (stack: MemoryStack) => void = () => {};
  /** Further outputs of every deployment, e.g. the `kubeconfig` and `prometheus` a cloud stack exports. */
  extraOutputs: Record<string, unknown> = {};
  /** The gateway's address as the `url` output; undefined plays a gateway with no address yet. */
  url: string | undefined;
  ups = 0;
  previews = 0;
  private updating = false;

  constructor(
    readonly name: string,
    url: string,
    config: Record<string, string>,
    private readonly upMs = 5,
  ) {
    this.url = url;
    for (const [key, value] of Object.entries(config)) this.config.set(key, value);
  }

  /** Deploys the current config without going through a flow, as an earlier release would have. */
  async seed(): Promise<void> {
    await this.up(() => {});
    this.ups = 0;
  }

  get deployedActiveColour(): Colour | undefined {
    return this.deployed?.config.get(activeColourKey) as Colour | undefined;
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.name}::${project}::${type}::${name}`;
  }

  async getConfig(path: string): Promise<string | undefined> {
    await tick();
    return this.config.get(path);
  }

  async setConfig(path: string, value: string): Promise<void> {
    await tick();
    this.config.set(path, value);
  }

  async removeConfig(path: string): Promise<void> {
    await tick();
    this.config.delete(path);
  }

  async preview(): Promise<Preview> {
    await tick();
    if (this.updating) throw new StackBusyError(this.name);
    this.previews++;
    const plan = this.plan();
    this.afterPreview();
    return plan;
  }

  async up(progress: (line: string) => void): Promise<void> {
    if (this.updating) throw new StackBusyError(this.name);
    this.updating = true;
    try {
      const { steps } = this.plan();
      progress(`Updating (${this.name}):`);
      for (const step of steps) {
        await new Promise((resolve) => setTimeout(resolve, this.upMs));
        progress(`  ${step.op} ${step.urn.slice(step.urn.lastIndexOf("::") + 2)}`);
      }
      this.deployed = { config: new Map(this.config), resources: this.desiredResources() };
      this.ups++;
      progress(`Resources: ${steps.length} changed`);
    } finally {
      this.updating = false;
    }
    this.onDeployed(this);
  }

  /** Holds Pulumi's update lock as someone else's `pulumi up` would, until the returned function runs. */
  holdUpdateLock(): () => void {
    this.updating = true;
    return () => {
      this.updating = false;
    };
  }

  async outputs(): Promise<Record<string, unknown>> {
    await tick();
    if (!this.deployed) return {};
    const active = this.deployed.config.get(activeColourKey) as Colour;
    return {
      [activeColourKey]: active,
      [idleColourOutput]: otherColour(active),
      ...(this.url ? { url: this.url } : { urlHint: "the Gateway has no address yet: run `pulumi up --refresh`" }),
      namespace: "moon",
      ...this.extraOutputs,
      images: Object.fromEntries(colours.map((colour) => [colour, this.deployed?.config.get(`images.${colour}`)])),
    };
  }

  async getTag(name: string): Promise<string | undefined> {
    await tick();
    return this.tags.get(name);
  }

  async setTag(name: string, value: string): Promise<void> {
    await tick();
    this.tags.set(name, value);
  }

  async removeTag(name: string): Promise<void> {
    await tick();
    this.tags.delete(name);
  }

  /** The resources the real program would declare for this config, by URN, with their inputs. */
  private desiredResources(): Map<string, string> {
    const resources = new Map<string, string>();
    const active = this.config.get(activeColourKey) ?? "blue";
    resources.set(this.urn("kubernetes:core/v1:Namespace", "moon"), "{}");
    resources.set(this.urn("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway"), "{}");
    for (const colour of colours) {
      const image = this.config.get(`images.${colour}`);
      if (!image) continue;
      resources.set(this.urn("kubernetes:batch/v1:Job", `migrate-${colour}`), image);
      for (const service of services) {
        resources.set(this.urn("kubernetes:apps/v1:Deployment", `${service}-${colour}`), image);
        resources.set(this.urn("kubernetes:core/v1:Service", `${service}-${colour}`), "{}");
      }
    }
    for (const service of services) {
      resources.set(this.urn("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", service), active);
    }
    resources.set(this.urn("kubernetes:batch/v1:CronJob", "aggregator"), this.config.get(`images.${active}`) ?? "");
    return resources;
  }

  private plan(): Preview {
    const before = this.deployed?.resources ?? new Map<string, string>();
    const after = this.desiredResources();
    const steps: PlannedStep[] = [];
    const summary: Record<string, number> = {};
    const count = (op: string) => (summary[op] = (summary[op] ?? 0) + 1);
    for (const [urn, inputs] of after) {
      const old = before.get(urn);
      // A Job's pod template is immutable, so a new image replaces it, as Kubernetes would.
      const op = old === undefined ? "create" : old === inputs ? "same" : urn.includes(":Job::") ? "replace" : "update";
      count(op);
      if (op !== "same") steps.push({ op, urn });
    }
    for (const urn of before.keys()) {
      if (!after.has(urn)) {
        count("delete");
        steps.push({ op: "delete", urn });
      }
    }
    for (const step of this.forcedSteps) {
      count(step.op);
      steps.push(step);
    }
    return { steps, summary };
  }
}

/** Every backend call takes a turn of the event loop, so concurrent flows interleave as they would. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
