import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";

/**
 * ECR repository for the release image: scanned on push, tags immutable (a colour's tag always means
 * the same image, so a rollback is exact), and a lifecycle policy that never expires a release image.
 */
export function eksRegistry(
  settings: EksSettings["registry"],
  opts: pulumi.ComponentResourceOptions,
): aws.ecr.Repository {
  const repository = new aws.ecr.Repository(
    settings.name,
    {
      name: settings.name,
      imageTagMutability: "IMMUTABLE",
      // `pulumi destroy` would otherwise stop at a repository that still holds release images.
      forceDelete: true,
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
    },
    opts,
  );
  new aws.ecr.LifecyclePolicy(
    settings.name,
    { repository: repository.name, policy: JSON.stringify(lifecyclePolicy(settings)) },
    opts,
  );
  return repository;
}

/**
 * Only what no colour can be running expires: untagged layers, and candidate tags (never deployed as a
 * colour) by age. Release tags are kept however many there are: a colour may run an old one for months,
 * and a count rule would delete it from under the running pods and the next rollback.
 */
function lifecyclePolicy(settings: EksSettings["registry"]) {
  const untagged = {
    rulePriority: 1,
    description: "expire untagged images",
    selection: {
      tagStatus: "untagged",
      countType: "sinceImagePushed",
      countUnit: "days",
      countNumber: settings.untaggedExpiryDays,
    },
    action: { type: "expire" },
  };
  const candidates = settings.candidateTagPatterns.length
    ? [
        {
          rulePriority: 2,
          description: "expire candidate images",
          selection: {
            tagStatus: "tagged",
            tagPatternList: settings.candidateTagPatterns,
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: settings.candidateExpiryDays,
          },
          action: { type: "expire" },
        },
      ]
    : [];
  return { rules: [untagged, ...candidates] };
}
