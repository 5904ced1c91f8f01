import { createHash } from "node:crypto";
import { type Colour, type ServiceName, services } from "../../contract/index.js";

/** What the gateway and the cluster need to know about each HTTP service (docs/architecture.md, runtime contract). */
export interface AppService {
  name: ServiceName;
  port: number;
  /** Path prefixes the gateway routes to it. */
  paths: readonly string[];
}

export const appServices: readonly AppService[] = services;

export const appService = (name: ServiceName): AppService => appServices.find((s) => s.name === name)!;

export const partOf = "moon-agent-tracker";
export const colourLabel = "moon-agent-tracker/colour";
/** On pod templates only (never selectors): the release a pod runs, for Prometheus's target labels. */
export const versionLabel = "app.kubernetes.io/version";

/** Labels every pod carries; `name` + `colour` select one colour of one service. */
export function podLabels(name: string, component: string, colour?: Colour): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": partOf,
    ...(colour ? { [colourLabel]: colour } : {}),
  };
}

/** The image's tag (or short digest): what `/health` reports as VERSION. */
export function versionOf(image: string): string {
  const digest = /@sha256:([a-f0-9]{12})/.exec(image);
  if (digest) return `sha256-${digest[1]}`;
  const last = image.slice(image.lastIndexOf("/") + 1);
  return last.includes(":") ? last.slice(last.indexOf(":") + 1) : "latest";
}

/** `versionOf` as a label value: at most 63 characters, ending in a letter or digit. */
export const versionLabelValue = (image: string): string =>
  versionOf(image)
    .slice(0, 63)
    .replace(/[^A-Za-z0-9]+$/, "");

/** Short, stable digest of a string: names objects that must be new when it changes (a release's Job). */
export const shortHash = (value: string): string => createHash("sha256").update(value).digest("hex").slice(0, 8);
