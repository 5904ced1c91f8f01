import * as digitalocean from "@pulumi/digitalocean";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DoksSettings } from "../../config.js";

/**
 * DigitalOcean Container Registry with read-only Docker credentials; infra/k8s turns them into the
 * image pull secret every pod uses. Registry names are global, hence the random suffix by default.
 */
export function doksRegistry(
  name: string,
  settings: DoksSettings,
  opts: pulumi.ComponentResourceOptions,
): { endpoint: pulumi.Output<string>; dockerConfigJson: pulumi.Output<string> } {
  const registryName =
    settings.registry.name ??
    new random.RandomString(`${name}-registry`, { length: 6, special: false, upper: false }, opts).result.apply(
      (suffix) => `${name}-${suffix}`,
    );
  const registry = new digitalocean.ContainerRegistry(
    name,
    { name: registryName, subscriptionTierSlug: settings.registry.tier, region: settings.region },
    opts,
  );
  const credentials = new digitalocean.ContainerRegistryDockerCredentials(
    name,
    { registryName: registry.name, write: false },
    opts,
  );
  return { endpoint: registry.endpoint, dockerConfigJson: pulumi.secret(credentials.dockerCredentials) };
}
