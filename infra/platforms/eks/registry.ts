import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { EksSettings } from "../../config.js";

/**
 * ECR repository for the release image: scanned on push, tags immutable (a colour's tag always means
 * the same image, so a rollback is exact), and a lifecycle policy so old images do not pile up.
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

/** Untagged layers go after a few days; tagged releases beyond the newest `keepImages` go too. */
function lifecyclePolicy(settings: EksSettings["registry"]) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "expire untagged images",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: settings.untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `keep the newest ${settings.keepImages} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: settings.keepImages },
        action: { type: "expire" },
      },
    ],
  };
}
