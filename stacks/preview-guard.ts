// Decides whether a preview is safe to apply during a release.
//
// The rule: a release may create, update, replace or delete resources of the idle colour only;
// anywhere else it may create or update in place, but never replace or delete. A resource belongs to a
// colour when its name — the last `::` segment of its URN — carries that colour as a hyphen-separated
// word: `agent-green`, `migrate-green`, `agent-green-hpa`. Everything else (routes, the gateway, the
// database, providers, the other colour) is shared or live, and replacing it would drop traffic or data.
import type { Colour } from "../contract/index.js";
import type { PlannedStep, Preview } from "./stack-ops.js";

const destructiveOps = new Set([
  "replace",
  "create-replacement",
  "delete-replaced",
  "delete",
  "discard",
  "discard-replaced",
  "read-replacement",
  "import-replacement",
]);

export function resourceName(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

export function belongsTo(urn: string, colour: Colour): boolean {
  return resourceName(urn).split("-").includes(colour);
}

/** Steps that would replace or delete something outside `allowed` (every destructive step when null). */
export function forbiddenSteps(preview: Preview, allowed: Colour | null): PlannedStep[] {
  return preview.steps.filter(
    (step) => destructiveOps.has(step.op) && (allowed === null || !belongsTo(step.urn, allowed)),
  );
}

/** `update 3, create 1, replace 1` — what a preview would do, without the unchanged resources. */
export function describeSummary(preview: Preview): string {
  const changes = Object.entries(preview.summary).filter(([op, count]) => op !== "same" && count > 0);
  return changes.length === 0 ? "no changes" : changes.map(([op, count]) => `${op} ${count}`).join(", ");
}
