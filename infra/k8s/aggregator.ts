import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../../contract/index.js";
import type { Resources } from "../config.js";
import { podLabels, versionOf } from "./apps.js";
import type { Foundation } from "./foundation.js";
import { heapOptionsFor, jobPodTemplate, programArgs, resourcesOf } from "./pod.js";

export interface AggregatorArgs {
  schedule: string;
  /** The active colour: the KPI job runs the release that serves traffic. */
  colour: Colour;
  image: string;
  resources: Resources;
  foundation: Foundation;
}

/** The CronJob's name: the aggregator alerts select its kube-state-metrics series by it. */
export const aggregatorCronJob = "aggregator";

/** The KPI batch (every 5 minutes by default): one CronJob, never two runs at once, following the active colour. */
export class Aggregator extends pulumi.ComponentResource {
  readonly cronJob: k8s.batch.v1.CronJob;

  constructor(name: string, args: AggregatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:Aggregator", name, {}, opts);
    // No colour label: the CronJob is one object whose image follows the flip, and the network policy selects it by name.
    const labels = podLabels("aggregator", "batch");
    this.cronJob = new k8s.batch.v1.CronJob(
      "aggregator",
      {
        metadata: { name: aggregatorCronJob, namespace: args.foundation.namespace, labels },
        spec: {
          schedule: args.schedule,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          // A run missed by more than ten minutes is skipped; the next hour recomputes the same KPIs.
          startingDeadlineSeconds: 600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 2,
              activeDeadlineSeconds: 3000,
              ttlSecondsAfterFinished: 86_400,
              template: jobPodTemplate(
                labels,
                {
                  name: "aggregator",
                  image: args.image,
                  ...programArgs("aggregator"),
                  env: [
                    { name: "COLOUR", value: args.colour },
                    { name: "VERSION", value: versionOf(args.image) },
                    { name: "NODE_OPTIONS", value: heapOptionsFor(args.resources.memoryLimit) },
                    ...args.foundation.env("DATABASE_URL", "DATABASE_CA_CERT", "WAREHOUSE_URL", "LOG_LEVEL"),
                  ],
                  resources: resourcesOf(args.resources),
                },
                args.foundation.pullSecret,
              ),
            },
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ cronJob: this.cronJob.metadata.name });
  }
}
