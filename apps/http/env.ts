import { z } from "zod";
import { colours, defaultColour, programLogLevels } from "../../contract/index.js";
import { parseApiKeys } from "./auth.js";

const mysqlUrl = z
  .string()
  .url()
  .refine((v) => v.startsWith("mysql://"), "must be a mysql://user:pass@host:port/database URL");

/** The settings every service reads (docs/architecture.md, runtime contract). */
export const serviceEnv = (defaultPort: number) =>
  z.object({
    /** Address to listen on; every interface when unset (a container). `npm run dev` sets 127.0.0.1. */
    HOST: z.string().min(1).optional(),
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
    COLOUR: z.enum(colours).default(defaultColour),
    VERSION: z.string().min(1).default("dev"),
    LOG_LEVEL: z.enum(programLogLevels).default("info"),
    /** Requests served at once past which new ones get 503 with Retry-After (/health and /metrics never do). */
    MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(256),
    /** Event-loop delay (median over a second) past which new requests get 503 with Retry-After. */
    MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    /** Seconds to let in-flight requests finish after SIGTERM before exiting anyway. */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(25),
  });

export type ServiceEnv = z.infer<ReturnType<typeof serviceEnv>>;
