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

/** `node /app/dist/apps/main.js <program>`: one image holds every program. */
export const programArgs = (program: string) => ({ command: ["node", "/app/dist/apps/main.js"], args: [program] });
