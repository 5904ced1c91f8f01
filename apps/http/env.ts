import { z } from "zod";
import { parseApiKeys } from "./auth.js";

/** Raised when the environment is missing or has a bad value; main prints it and exits non-zero. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const mysqlUrl = z
  .string()
  .url()
  .refine((v) => v.startsWith("mysql://"), "must be a mysql://user:pass@host:port/database URL");

/** The settings every service reads (DESIGN.md, runtime contract). */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    // 0 asks the OS for a free port (tests).
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    DATABASE_URL: mysqlUrl,
    /** PEM used to verify the database's certificate with sslmode=verify-ca|verify-full. */
    DATABASE_CA_CERT: z.string().optional(),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    API_KEYS: z
      .string()
      .min(1)
      .transform((v, ctx) => {
        try {
          return parseApiKeys(v);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: (err as Error).message });
          return z.NEVER;
        }
      }),
    COLOUR: z.enum(["blue", "green"]).default("blue"),
    VERSION: z.string().min(1).default("dev"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Seconds to let in-flight requests finish after SIGTERM before exiting anyway. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(25),
  });

export type ServiceEnv = z.infer<ReturnType<typeof serviceEnv>>;

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
