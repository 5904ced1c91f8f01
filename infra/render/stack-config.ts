import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { project, secretKeys } from "../config.js";

/**
 * Stand-ins for secrets an offline render cannot decrypt or was not given; shaped to pass validation.
 * They are never deployed: a real `pulumi up` reads the stack's encrypted values.
 */
export const renderPlaceholders: Record<string, string> = {
  apiKeys:
    "admin:render-placeholder-admin-key,integration:render-placeholder-integration-key,viewer:render-placeholder-viewer-key",
  notifyWebhookUrl: "https://hooks.example.invalid/render-placeholder",
  smtpUrl: "smtp://render-placeholder.example.invalid:587",
};
/** Secrets every stack needs: a render fills them in even when the stack file lacks them. */
const requiredSecrets = ["apiKeys"];

export interface StackConfigInput {
  /** Stack name: reads `Pulumi.<stack>.yaml` from `root`. */
  stack: string;
  root: string;
  /** Overrides as `pulumi config set [--path]` would apply them: `activeColor`, `images.green`. */
  set?: Record<string, string>;
  /** Keys to remove after loading the file (to try a missing setting). */
  unset?: string[];
}

/** What the language host would hand the program: `PULUMI_CONFIG` and the list of secret keys. */
export interface EngineConfig {
  config: Record<string, string>;
  secretKeys: string[];
}

const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);

/** `a.b[0].c` -> ["a", "b", 0, "c"], as `pulumi config set --path` reads it. */
const pathSegments = (path: string): Array<string | number> =>
  [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));

function setPath(target: Record<string | number, unknown>, path: Array<string | number>, value: unknown): void {
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next =
    typeof child === "object" && child !== null
      ? (child as Record<string | number, unknown>)
      : typeof rest[0] === "number"
        ? []
        : {};
  target[head] = next;
  setPath(next as Record<string | number, unknown>, rest, value);
}

const isEncrypted = (value: unknown) => typeof value === "object" && value !== null && "secure" in value;

/** Builds the engine's view of a stack's config from its file plus overrides, as the CLI would. */
export function stackConfig({ stack, root, set = {}, unset = [] }: StackConfigInput): EngineConfig {
  const file = join(root, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new Error(`no stack file ${file}`);
  }
  const values: Record<string, unknown> = {
    ...((parse(text) as { config?: Record<string, unknown> } | null)?.config ?? {}),
  };
  const secret = new Set(secretKeys.map((k) => qualify(k)));

  for (const [key, value] of Object.entries(values)) {
    if (!isEncrypted(value)) continue;
    secret.add(key);
    const placeholder = renderPlaceholders[key.slice(key.indexOf(":") + 1)];
    if (key.startsWith(`${project}:`) && placeholder !== undefined) values[key] = placeholder;
    else delete values[key];
  }
  for (const [path, value] of Object.entries(set)) {
    const [top, ...rest] = pathSegments(path) as [string, ...Array<string | number>];
    const key = qualify(top);
    if (rest.length === 0) values[key] = value;
    else {
      const current = values[key];
      values[key] =
        typeof current === "object" && current !== null
          ? structuredClone(current)
          : typeof rest[0] === "number"
            ? []
            : {};
      setPath(values[key] as Record<string, unknown>, rest, value);
    }
  }
  for (const key of unset) delete values[qualify(key)];
  for (const key of requiredSecrets) {
    const full = qualify(key);
    if (!(full in values) && !unset.includes(key)) values[full] = renderPlaceholders[key]!;
  }

  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    config[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  }
  return { config, secretKeys: [...secret].filter((k) => k in config) };
}
