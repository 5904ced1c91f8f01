import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../../contract/index.js";
import { podLabels, shortHash, versionOf } from "./apps.js";
import type { Foundation } from "./foundation.js";
import { jobPodTemplate, programArgs } from "./pod.js";

export interface MigrationArgs {
  colour: Colour;
  image: string;
  foundation: Foundation;
}

/**
 * Applies the schema for one colour's release before its services start. The Job is named after the
 * image, so a new release of the colour runs a new Job and an unchanged one (or a flip) runs nothing.
 */
export class Migration extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;

  constructor(name: string, args: MigrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:Migration", name, {}, opts);
    const labels = podLabels("migrate", "migration", args.colour);
    this.job = new k8s.batch.v1.Job(
      name,
      {
        metadata: {
          name: `migrate-${args.colour}-${shortHash(args.image)}`,
          namespace: args.foundation.namespace,
          labels,
        },
        spec: {
          backoffLimit: 3,
          activeDeadlineSeconds: 600,
          // No TTL: a finished Job stays until the colour's next release replaces it, so `pulumi up
          // --refresh` finds it and a flip re-creates (and re-awaits) nothing. A failed Job is not
          // re-run by a plain `up`; README "A failed migration" says how to retry it.
          template: jobPodTemplate(
            labels,
            {
              name: "migrate",
              image: args.image,
              ...programArgs("migrate"),
              env: [
                ...args.foundation.env("DATABASE_URL", "DATABASE_CA_CERT", "LOG_LEVEL"),
                { name: "VERSION", value: versionOf(args.image) },
              ],
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
              },
            },
            args.foundation.pullSecret,
          ),
        },
      },
      { parent: this },
    );
    this.registerOutputs({ job: this.job.metadata.name });
  }
}
