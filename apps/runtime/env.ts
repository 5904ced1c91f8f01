import type { z } from "zod";

/** Raised when the environment is missing or has a bad value; main prints it and exits non-zero. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates `env` against `schema`; the error names every bad variable and never echoes a value. */
export function loadEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const name = i.path.join(".") || "(environment)";
    const message = i.code === "invalid_type" && env[name] === undefined ? "is required" : i.message;
    return `  ${name}: ${message}`;
  });
  throw new ConfigError(`invalid environment:\n${lines.join("\n")}`);
}
