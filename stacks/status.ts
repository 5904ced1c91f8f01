// `status`: which colour is live, what each colour runs, and whether a release holds the stack.
import { activeColourKey, type Colour, colours } from "../contract/index.js";
import { readLiveState } from "./live-state.js";
import { lockHolder } from "./release-lock.js";
import type { StackOps } from "./stack-ops.js";
import type { Print } from "./step-log.js";

export interface StackStatus {
  stack: string;
  live: Colour;
  idle: Colour;
  images: Partial<Record<Colour, string>>;
  url: string | null;
  namespace: string | null;
  deployed: boolean;
  /** Who holds the release lock, or null. */
  lock: string | null;
  /** Where this checkout's config differs from what is deployed (what a plain `pulumi up` would change). */
  configDrift: string[];
}

export async function readStatus(stack: StackOps): Promise<StackStatus> {
  const live = await readLiveState(stack);
  const configDrift: string[] = [];
  if (live.deployed) {
    const configured = await stack.getConfig(activeColourKey);
    if (configured !== live.active)
      configDrift.push(`${activeColourKey} is ${configured ?? "unset"} (deployed: ${live.active})`);
    for (const colour of colours) {
      const image = await stack.getConfig(`images.${colour}`);
      if (image !== live.images[colour]) {
        configDrift.push(`images.${colour} is ${image ?? "unset"} (deployed: ${live.images[colour] ?? "none"})`);
      }
    }
  }
  return {
    stack: stack.name,
    live: live.active,
    idle: live.idle,
    images: live.images,
    url: live.url ?? null,
    namespace: live.namespace ?? null,
    deployed: live.deployed,
    lock: await lockHolder(stack),
    configDrift,
  };
}

export function printStatus(status: StackStatus, print: Print): void {
  print(`stack ${status.stack}${status.deployed ? "" : " (not deployed yet: colours read from config)"}`);
  print(`  live   ${status.live.padEnd(5)}  ${status.images[status.live] ?? "no image"}`);
  print(`  idle   ${status.idle.padEnd(5)}  ${status.images[status.idle] ?? "no image"}`);
  print(`  url        ${status.url ?? "-"}`);
  print(`  namespace  ${status.namespace ?? "-"}`);
  print(`  lock       ${status.lock ? `held by ${status.lock}` : "free"}`);
  for (const drift of status.configDrift) print(`  this checkout's config differs: ${drift}`);
}
