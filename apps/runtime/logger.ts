import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/** The longest a line waits for the lines logged after it, and how much may wait at most. */
const batchWindowMs = 5;
const batchMaxChars = 64 * 1024;

let stdout: DestinationStream | undefined;
const sharedStdout = () => {
  stdout ??= batchedStdout();
  return stdout;
};

/**
 * Stdout, written in batches: the lines logged within a few milliseconds go out in one asynchronous
 * write. Handing every line to the writer as it came cost a write through libuv's thread pool per
 * one or two requests: 3-4 µs of CPU per request under load (README, benchmarks).
 * Nothing is dropped: a waiting batch keeps the process alive until written, and is written before
 * pino's own exit hook flushes the writer when the process exits. One per process, shared by every
 * logger in it.
 */
function batchedStdout(): DestinationStream & { flush(cb?: (err?: Error) => void): void } {
  const out = pino.destination({ sync: false });
  let lines: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const batch = lines.join("");
    lines = [];
    chars = 0;
    out.write(batch);
  };
  // `out` registered pino's exit hook when it was made; this one must run before it.
  process.prependListener("exit", flush);
  return {
    write(line: string) {
      lines.push(line);
      chars += line.length;
      if (chars >= batchMaxChars) flush();
      else timer ??= setTimeout(flush, batchWindowMs);
    },
    // pino's logger.flush(cb): what waits here, then the writer.
    flush(cb?: (err?: Error) => void) {
      flush();
      out.flush(cb);
    },
  };
}

const topLevelSecrets = ["authorization", "password", "url"];
const censor = "[redacted]";

/** JSON logs on stdout, written in batches (above); credentials are redacted wherever they could appear. */
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
    sharedStdout(),
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
