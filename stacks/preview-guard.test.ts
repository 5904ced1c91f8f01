import { describe, expect, it } from "vitest";
import { belongsTo, describeSummary, forbiddenSteps } from "./preview-guard.js";

const urn = (type: string, name: string) =>
  `urn:pulumi:eks::moon-agent-tracker::moon:k8s:ColourService$${type}::${name}`;

describe("preview guard", () => {
  it("knows a resource's colour from the words of its name, not from anywhere in its URN", () => {
    expect(belongsTo(urn("kubernetes:apps/v1:Deployment", "agent-green"), "green")).toBe(true);
    expect(belongsTo(urn("kubernetes:batch/v1:Job", "migrate-green"), "green")).toBe(true);
    expect(belongsTo(urn("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "sales-green-hpa"), "green")).toBe(true);
    expect(belongsTo(urn("kubernetes:apps/v1:Deployment", "agent-blue"), "green")).toBe(false);
    expect(belongsTo(urn("kubernetes:core/v1:Secret", "evergreen"), "green")).toBe(false);
    expect(belongsTo("urn:pulumi:green::moon-agent-tracker::kubernetes:core/v1:Namespace::moon", "green")).toBe(false);
  });

  it("allows anything on the idle colour and in-place updates elsewhere, but no replace or delete elsewhere", () => {
    const preview = {
      steps: [
        { op: "replace", urn: urn("kubernetes:batch/v1:Job", "migrate-green") },
        { op: "delete", urn: urn("kubernetes:policy/v1:PodDisruptionBudget", "agent-green") },
        { op: "update", urn: urn("gateway:HTTPRoute", "agent") },
        { op: "create", urn: urn("kubernetes:core/v1:ConfigMap", "settings") },
        { op: "create-replacement", urn: urn("kubernetes:apps/v1:Deployment", "agent-blue") },
        { op: "delete-replaced", urn: urn("kubernetes:apps/v1:Deployment", "agent-blue") },
        { op: "delete", urn: urn("mysql:Database", "moon") },
      ],
      summary: {},
    };

    expect(forbiddenSteps(preview, "green").map((step) => step.op)).toEqual([
      "create-replacement",
      "delete-replaced",
      "delete",
    ]);
    expect(forbiddenSteps(preview, null)).toHaveLength(5);
  });

  it("summarises what would change, leaving out the unchanged", () => {
    expect(describeSummary({ steps: [], summary: { same: 40, update: 3, replace: 1 } })).toBe("update 3, replace 1");
    expect(describeSummary({ steps: [], summary: { same: 40 } })).toBe("no changes");
  });
});
