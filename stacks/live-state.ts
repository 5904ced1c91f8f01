// Which colour is live and which image each colour runs, as deployed.
//
// The deployed stack outputs are the truth, not the config file in this checkout: a CI runner starts
// from the committed Pulumi.<stack>.yaml, whose activeColor and images are whatever was committed last,
// not what the previous release set. Before the first deployment there are no outputs, so the config
// is all there is.
import { activeColourKey, type Colour, colours, isColour, otherColour } from "../contract/index.js";
import type { StackOps } from "./stack-ops.js";

export interface LiveState {
  active: Colour;
  idle: Colour;
  images: Partial<Record<Colour, string>>;
  /** Gateway base URL; absent before the first deployment, and while the gateway has no address. */
  url?: string;
  /** The program's advice on finding the gateway's address while `url` is absent. */
  urlHint?: string;
  namespace?: string;
  /** False before the first deployment (state read from config). */
  deployed: boolean;
}

export async function readLiveState(stack: StackOps): Promise<LiveState> {
  const outputs = await stack.outputs();
  if (outputs[activeColourKey] !== undefined) {
    const active = colourOrThrow(outputs[activeColourKey], `stack output ${activeColourKey}`);
    return {
      active,
      idle: otherColour(active),
      images: imagesFrom(outputs.images),
      url: typeof outputs.url === "string" && outputs.url ? outputs.url : undefined,
      urlHint: typeof outputs.urlHint === "string" ? outputs.urlHint : undefined,
      namespace: typeof outputs.namespace === "string" ? outputs.namespace : undefined,
      deployed: true,
    };
  }
  const active = colourOrThrow(await stack.getConfig(activeColourKey), `config ${activeColourKey}`);
  const images: Partial<Record<Colour, string>> = {};
  for (const colour of colours) {
    const image = await stack.getConfig(`images.${colour}`);
    if (image) images[colour] = image;
  }
  return { active, idle: otherColour(active), images, deployed: false };
}

/**
 * Makes this checkout's config say what is deployed, so an `up` changes only what the flow means to
 * change (and a stale committed activeColor cannot move traffic by accident).
 */
export async function pinLiveConfig(stack: StackOps, live: LiveState): Promise<void> {
  await stack.setConfig(activeColourKey, live.active);
  for (const colour of colours) {
    const image = live.images[colour];
    if (image) await stack.setConfig(`images.${colour}`, image);
  }
}

export function describeLive(live: LiveState): string {
  const image = (colour: Colour) => live.images[colour] ?? "no image";
  const source = live.deployed ? "" : " (not deployed yet: read from config)";
  return `${live.active} live (${image(live.active)}), ${live.idle} idle (${image(live.idle)})${source}`;
}

/** The gateway's base URL the smoke tests go through: the override if given, else the stack's `url` output. */
export function gatewayUrl(live: LiveState, override: string | undefined): string {
  const url = override ?? live.url;
  if (url) return url;
  const find =
    live.urlHint ??
    `find the gateway's address with: kubectl get gateway -n ${live.namespace ?? "<namespace>"} -o jsonpath='{.items[0].status.addresses[0].value}'`;
  throw new Error(
    `the stack has no url output (the gateway's base URL) and none was given; ${find}; ` +
      "then pass --url http://<address> or set MOON_GATEWAY_URL",
  );
}

function colourOrThrow(value: unknown, source: string): Colour {
  if (isColour(value)) return value;
  throw new Error(`${source} is ${JSON.stringify(value)}; expected blue or green`);
}

function imagesFrom(value: unknown): Partial<Record<Colour, string>> {
  const images: Partial<Record<Colour, string>> = {};
  if (typeof value !== "object" || value === null) return images;
  for (const colour of colours) {
    const image = (value as Record<string, unknown>)[colour];
    if (typeof image === "string" && image) images[colour] = image;
  }
  return images;
}
