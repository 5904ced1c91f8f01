import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { project } from "../config.js";
import { fakeCalls, fakeId, fakeOutputs } from "./fakes.js";
import { type StackConfigInput, stackConfig } from "./stack-config.js";

/** One resource the program registered, with its inputs as the engine received them (secrets still wrapped). */
export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface Rendered {
  stack: string;
  resources: MockedResource[];
  /** Stack outputs, resolved; secret ones wrapped like inputs. */
  outputs: Record<string, unknown>;
}

export type RenderOptions = Omit<StackConfigInput, "root"> & { root?: string };

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

type Program = () => Promise<Record<string, unknown>>;

async function resolve(value: unknown): Promise<unknown> {
  const output = pulumi.output(value) as pulumi.Output<unknown>;
  const [plain, secret] = await Promise.all([
    new Promise<unknown>((done) => output.apply((v) => done(v))),
    pulumi.isSecret(output),
  ]);
  return secret ? { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: plain } : plain;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the real program (infra/index.ts) under Pulumi mocks with a stack's config and records every
 * resource it registers. The program reads config when called, not at import, so one module graph
 * serves any number of renders; renders are serialised because Pulumi's runtime state is global.
 */
export function render(options: RenderOptions): Promise<Rendered> {
  const run = queue.then(() => renderOnce(options));
  queue = run.catch(() => undefined);
  return run;
}

async function renderOnce({ root = repoRoot, ...input }: RenderOptions): Promise<Rendered> {
  const { config, secretKeys } = stackConfig({ ...input, root });
  const resources: MockedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: fakeId(args), state: { ...args.inputs, ...fakeOutputs[args.type]?.(args) } };
      },
      call(args) {
        return fakeCalls[args.token]?.(args) ?? args.inputs;
      },
    },
    project,
    input.stack,
    false,
  );
  pulumi.runtime.setAllConfig(config, secretKeys);

  const { default: program } = (await import("../index.js")) as { default: Program };
  const exported = await program();
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(exported)) outputs[key] = await resolve(value);
  // Registrations nobody awaited (policies, PDBs) finish before the inventory is read.
  await pulumi.runtime.disconnect();
  return { stack: input.stack, resources, outputs };
}
