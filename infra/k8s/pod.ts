import type * as k8s from "@pulumi/kubernetes";
import type { Resources } from "../config.js";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** The image's non-root user (Dockerfile); the restricted Pod Security Standard requires non-root anyway. */
const appUid = 10001;

export function resourcesOf(r: Resources): k8s.types.input.core.v1.ResourceRequirements {
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { cpu: r.cpuLimit, memory: r.memoryLimit },
  };
}

/** A container of the app image hardened for the restricted standard; /tmp is the only writable path. */
export function appContainer(c: Container): Container {
  return {
    imagePullPolicy: "IfNotPresent",
    ...c,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: appUid,
      runAsGroup: appUid,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
}

/** Pod-level settings every workload shares: no API token, RuntimeDefault seccomp, a small /tmp. */
export function appPodSpec(spec: PodSpec, pullSecret?: k8s.types.input.core.v1.LocalObjectReference): PodSpec {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: appUid,
      runAsGroup: appUid,
      fsGroup: appUid,
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    ...(pullSecret ? { imagePullSecrets: [pullSecret] } : {}),
    ...spec,
  };
}

/** The pod of a run-to-completion Job (a migration, an aggregator run): one app container, not restarted in place. */
export function jobPodTemplate(
  labels: Record<string, string>,
  container: Container,
  pullSecret?: k8s.types.input.core.v1.LocalObjectReference,
): k8s.types.input.core.v1.PodTemplateSpec {
  return {
    metadata: { labels },
    spec: appPodSpec({ restartPolicy: "Never", containers: [appContainer(container)] }, pullSecret),
  };
}

/** `node /app/dist/apps/main.js <program>`: one image holds every program. */
export const programArgs = (program: string) => ({ command: ["node", "/app/dist/apps/main.js"], args: [program] });

const mebibytes: Record<string, number> = {
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1048576,
  K: 1e3 / 1048576,
  M: 1e6 / 1048576,
  G: 1e9 / 1048576,
  T: 1e12 / 1048576,
};

/**
 * NODE_OPTIONS giving V8's old space three quarters of the container's memory limit. The image's
 * default (a 96 MB cap, sized for the services) would starve a batch job with a larger limit.
 */
export function heapOptionsFor(memoryLimit: string): string {
  const mb = mebibytesOf(memoryLimit);
  if (!(mb > 0)) throw new Error(`cannot size the heap from memory limit ${memoryLimit}`);
  return `--max-old-space-size=${Math.max(64, Math.floor(mb * 0.75))}`;
}

/** A memory or storage quantity (`512Mi`, `10Gi`, `1G`) in MiB; NaN when it is not one. */
export function mebibytesOf(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity);
  return match ? Number(match[1]) * (match[2] ? mebibytes[match[2]]! : 1 / 1048576) : NaN;
}
