// The release analysis settings of a stack (`release.analysis.*`, validated by the same schema as the
// program's config), and whether the stack has monitoring to analyse with.
import { monitoringOnByDefault } from "../infra/monitoring-default.js";
import { project } from "../infra/project.js";
import { type ReleaseAnalysisSettings, releaseAnalysis } from "../infra/release-settings.js";
import type { StackOps } from "./stack-ops.js";

const keys = ["maxErrorRatio", "maxP99Seconds", "watchSeconds", "intervalSeconds"] as const;

export async function readAnalysisSettings(stack: StackOps): Promise<ReleaseAnalysisSettings> {
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const value = await stack.getConfig(`release.analysis.${key}`);
    if (value !== undefined) raw[key] = value;
  }
  const result = releaseAnalysis.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${project}:release.analysis.${i.path.join(".")}: ${i.message}`);
  throw new Error(`invalid stack config: ${lines.join("; ")}`);
}

/** `monitoring.enabled`, else the program's default: on for the cloud targets, off for a local cluster. */
export async function monitoringEnabled(stack: StackOps): Promise<boolean> {
  const enabled = await stack.getConfig("monitoring.enabled");
  if (enabled !== undefined) return enabled === "true";
  const target = await stack.getConfig("target");
  return target !== undefined && monitoringOnByDefault(target);
}
