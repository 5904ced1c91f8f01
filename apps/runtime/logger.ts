import pino, { type Logger } from "pino";

export type { Logger };

/**
 * JSON logs on stdout; credentials are redacted wherever they could appear. Written asynchronously:
 * lines logged while a write is in flight go out together in the next one (no line is dropped or
 * held back when idle, and pino flushes what is pending on exit).
 */
export function createLogger(base: { service: string; colour?: string; version?: string }, level = "info"): Logger {
  return pino(
    {
      level,
      base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          "authorization",
          "headers.authorization",
          "req.headers.authorization",
          "password",
          "*.password",
          "url",
          "*.url",
        ],
        censor: "[redacted]",
      },
    },
    pino.destination({ sync: false }),
  );
}
