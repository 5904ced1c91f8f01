// Queries over rendered objects, shared by the tests of every stack.
import type { KubeObject } from "./objects.js";

export interface PodTemplate {
  owner: KubeObject;
  labels: Record<string, string>;
  spec: Record<string, any>;
}

/** The pod template of every workload (Deployment, StatefulSet, Job, CronJob). */
export function podTemplates(objects: KubeObject[]): PodTemplate[] {
  return objects.flatMap((owner): PodTemplate[] => {
    const spec = owner.spec as Record<string, any> | undefined;
    const template = owner.kind === "CronJob" ? spec?.jobTemplate?.spec?.template : spec?.template;
    return template && ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(owner.kind)
      ? [{ owner, labels: template.metadata?.labels ?? {}, spec: template.spec }]
      : [];
  });
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

/** Kubernetes label-selector semantics; an empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const plain = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case "In":
        return key in labels && values.includes(labels[key]!);
      case "NotIn":
        return !(key in labels) || !values.includes(labels[key]!);
      case "Exists":
        return key in labels;
      case "DoesNotExist":
        return !(key in labels);
      default:
        return false;
    }
  });
  return plain && expressions;
}

export const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

export function named(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
}
