import pino, { type Logger } from "pino";

export type { Logger };

/** JSON logs on stdout; credentials are redacted wherever they could appear. */
export function createLogger(base: { service: string; colour?: string; version?: string }, level = "info"): Logger {
  return pino({
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
  });
}
