// Stack settings that steer `npm run release` / `promote` rather than the program: the Prometheus
// analysis gating a flip. Validated with the rest of the stack config (config.ts) and read by the
// release commands (stacks/analysis-settings.ts), so both name a bad key the same way.
import { z } from "zod";

export const releaseAnalysis = z
  .strictObject({
    /** Highest share of a service's requests answered 5xx in the analysed window (0.01 = 1 %). */
    maxErrorRatio: z.coerce
      .number()
      .min(0, "must be a ratio from 0 to 1")
      .max(1, "must be a ratio from 0 to 1")
      .default(0.01),
    /** Highest p99 latency of any service in the analysed window, in seconds. */
    maxP99Seconds: z.coerce.number().positive("must be a number of seconds above 0").default(1),
    /** How long the new live colour is watched after the flip; a breach in it rolls back. 0 skips the watch. */
    watchSeconds: z.coerce.number().int("must be whole seconds").min(0).max(3600).default(300),
    /** How often the watch checks Prometheus. */
    intervalSeconds: z.coerce.number().int("must be whole seconds").min(1).max(600).default(30),
  })
  .refine((a) => a.watchSeconds === 0 || a.intervalSeconds <= a.watchSeconds, {
    message: "must be at most watchSeconds",
    path: ["intervalSeconds"],
  });

export type ReleaseAnalysisSettings = z.infer<typeof releaseAnalysis>;

export const releaseSettings = z.strictObject({ analysis: releaseAnalysis.prefault({}) });
