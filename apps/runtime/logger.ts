import pino, { type Logger } from "pino";

export type { Logger };

const topLevelSecrets = ["authorization", "password", "url"];
const censor = "[redacted]";

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
        paths: [...topLevelSecrets, "headers.authorization", "req.headers.authorization", "*.password", "*.url"],
        censor,
      },
    },
    pino.destination({ sync: false }),
  );
}

/**
 * The logger for per-request lines, whose fields are fixed (ids, method, path, status, time): it
 * redacts top-level keys only. A wildcard path makes pino run its redactor over every value of every
 * line, which was the largest per-request cost of logging (README, benchmarks); everything else keeps
 * the full redaction.
 */
export const requestLogger = (logger: Logger): Logger =>
  logger.child({}, { redact: { paths: topLevelSecrets, censor } });
