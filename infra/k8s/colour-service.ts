import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../../contract/index.js";
import type { ServiceSettings } from "../config.js";
import { type AppService, podLabels, versionLabel, versionLabelValue, versionOf } from "./apps.js";
import type { Foundation } from "./foundation.js";
import { appContainer, appPodSpec, programArgs, resourcesOf } from "./pod.js";

/**
 * Seconds a terminating service pod keeps serving before SIGTERM: the time kube-proxy and the gateway
 * take to stop routing to it, so no request lands on a pod that already stopped accepting.
 */
export const preStopSeconds = 5;

export interface ColourServiceArgs {
  service: AppService;
  colour: Colour;
  image: string;
  settings: ServiceSettings;
  foundation: Foundation;
  /** Service-specific environment (credentials it needs, peers of its own colour). */
  env: k8s.types.input.core.v1.EnvVar[];
}

/** `<name>-<colour>` Service name: explicit, so routes and peers can name it. */
export const serviceName = (name: string, colour: Colour) => `${name}-${colour}`;

/**
 * One colour of one service: Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget.
 * Nothing here depends on which colour is active, so a flip never touches it.
 */
export class ColourService extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: ColourServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:ColourService", name, {}, opts);
    const { service, colour, settings, foundation } = args;
    const objectName = serviceName(service.name, colour);
    const labels = podLabels(service.name, "service", colour);
    const namespace = foundation.namespace;
    const metadata = { name: objectName, namespace, labels };
    const http = { port: "http" };

    this.deployment = new k8s.apps.v1.Deployment(
      objectName,
      {
        metadata,
        spec: {
          // The HPA owns the count after creation (see ignoreChanges); this is where it starts.
          replicas: settings.minReplicas,
          selector: { matchLabels: labels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: { labels: { ...labels, [versionLabel]: versionLabelValue(args.image) } },
            spec: appPodSpec(
              {
                // The pre-stop pause plus the service's own drain (SHUTDOWN_TIMEOUT_SECONDS, 25 s), with room to spare.
                terminationGracePeriodSeconds: preStopSeconds + 25 + 5,
                topologySpreadConstraints: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map(
                  (topologyKey) => ({
                    topologyKey,
                    maxSkew: 1,
                    // Prefer spreading, but still schedule on one-node clusters (kind, minikube).
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: labels },
                  }),
                ),
                containers: [
                  appContainer({
                    name: service.name,
                    image: args.image,
                    ...programArgs(service.name),
                    ports: [{ name: "http", containerPort: service.port, protocol: "TCP" }],
                    env: [
                      { name: "PORT", value: String(service.port) },
                      { name: "COLOUR", value: colour },
                      { name: "VERSION", value: versionOf(args.image) },
                      ...foundation.env("DATABASE_URL", "DATABASE_CA_CERT", "API_KEYS", "LOG_LEVEL"),
                      ...args.env,
                    ],
                    resources: resourcesOf(settings.resources),
                    // Endpoints are removed while the pod keeps serving; SIGTERM comes after. The image
                    // has no shell, so the kubelet's own sleep action (Kubernetes 1.30+), not `sleep` in exec.
                    lifecycle: { preStop: { sleep: { seconds: preStopSeconds } } },
                    // Liveness asks only "is the process up"; a database outage must not restart pods.
                    startupProbe: { httpGet: { path: "/health", ...http }, periodSeconds: 2, failureThreshold: 30 },
                    livenessProbe: {
                      httpGet: { path: "/health", ...http },
                      periodSeconds: 10,
                      timeoutSeconds: 2,
                      failureThreshold: 3,
                    },
                    readinessProbe: {
                      httpGet: { path: "/ready", ...http },
                      periodSeconds: 5,
                      timeoutSeconds: 2,
                      failureThreshold: 2,
                    },
                  }),
                ],
              },
              foundation.pullSecret,
            ),
          },
        },
      },
      { parent: this, ignoreChanges: ["spec.replicas"] },
    );

    this.service = new k8s.core.v1.Service(
      objectName,
      {
        metadata,
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [{ name: "http", port: service.port, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      objectName,
      {
        metadata,
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: this.deployment.metadata.name },
          minReplicas: settings.minReplicas,
          maxReplicas: settings.maxReplicas,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: settings.targetCpuPercent } },
            },
          ],
        },
      },
      { parent: this },
    );

    new k8s.policy.v1.PodDisruptionBudget(
      objectName,
      { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
      { parent: this },
    );

    this.registerOutputs({ deployment: this.deployment.metadata.name, service: this.service.metadata.name });
  }
}
