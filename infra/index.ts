// The Pulumi program: config -> platform -> workloads -> outputs.
import type * as pulumi from "@pulumi/pulumi";
import { activeColourKey, colours, idleColourOutput } from "../contract/index.js";
import { loadConfig, type StackConfig } from "./config.js";
import { Aggregator } from "./k8s/aggregator.js";
import { appService, appServices } from "./k8s/apps.js";
import { ColourService, serviceName } from "./k8s/colour-service.js";
import { Foundation } from "./k8s/foundation.js";
import { GatewayInstall } from "./k8s/gateway.js";
import { Migration } from "./k8s/migration.js";
import { prometheusServiceOf } from "./k8s/monitoring/install.js";
import { Monitoring, scrapersOf } from "./k8s/monitoring/monitoring.js";
import { NetworkPolicies } from "./k8s/network-policies.js";
import { Routes } from "./k8s/routes.js";
import { DoksPlatform } from "./platforms/doks.js";
import { EksPlatform } from "./platforms/eks.js";
import { LocalPlatform } from "./platforms/local.js";
import type { Platform } from "./platforms/platform.js";

async function platformFor(cfg: StackConfig): Promise<Platform> {
  switch (cfg.target) {
    case "local":
      return new LocalPlatform("local", cfg).platform;
    case "eks":
      return (await EksPlatform.create("eks", cfg)).platform;
    case "doks":
      return new DoksPlatform("doks", cfg).platform;
  }
}

/** Config is read here, when Pulumi (or the offline render) calls the program, never at import. */
export default async function program(): Promise<Record<string, pulumi.Input<unknown>>> {
  const cfg = loadConfig();
  const platform = await platformFor(cfg);
  const onCluster = { providers: [platform.provider], dependsOn: platform.dependsOn };

  const foundation = new Foundation(
    "app",
    {
      namespace: cfg.namespace,
      logLevel: cfg.logLevel,
      database: platform.database,
      warehouseUrl: platform.warehouse.url,
      apiKeys: cfg.apiKeys,
      notifyWebhookUrl: cfg.notifyWebhookUrl,
      smtpUrl: cfg.smtpUrl,
      registryAuth: platform.registryAuth,
    },
    onCluster,
  );

  const gateway = new GatewayInstall(
    "gateway",
    {
      namespace: foundation.namespace,
      controllerNamespace: cfg.gateway.namespace,
      chartVersion: cfg.gateway.chartVersion,
      installGatewayApiCrds: platform.gateway.installGatewayApiCrds,
      facts: platform.gateway,
      domain: cfg.domain,
      certIssuer: cfg.certIssuer,
    },
    onCluster,
  );

  new NetworkPolicies(
    "network",
    {
      namespace: foundation.namespace,
      namespaceName: cfg.namespace,
      services: appServices,
      gatewayNamespace: cfg.gateway.namespace,
      database: platform.database.egress,
      warehouse: platform.warehouse.egress,
      externalDelivery: Boolean(cfg.notifyWebhookUrl ?? cfg.smtpUrl),
      acmeHttp01: Boolean(cfg.domain && cfg.certIssuer),
      scrapers: scrapersOf(cfg.monitoring),
    },
    onCluster,
  );

  if (cfg.monitoring.enabled) {
    const warehouse = platform.warehouse.reader;
    // Every platform provides one when monitoring is on.
    if (!warehouse) throw new Error(`the ${cfg.target} platform gave Grafana no way into the warehouse`);
    new Monitoring(
      "monitoring",
      {
        settings: cfg.monitoring,
        namespace: foundation.namespace,
        namespaceName: cfg.namespace,
        services: appServices,
        aggregatorSchedule: cfg.aggregator.schedule,
        maxP99Seconds: cfg.release.analysis.maxP99Seconds,
        activeColour: cfg.activeColor,
        warehouse,
      },
      onCluster,
    );
  }

  // Both colours always exist; each is a whole release that waits for its own migration.
  for (const colour of colours) {
    const image = cfg.images[colour];
    const migration = new Migration(`migrate-${colour}`, { colour, image, foundation }, onCluster);
    const notificationUrl = `http://${serviceName("notification", colour)}:${appService("notification").port}`;
    const extraEnv = {
      agent: [],
      sales: [{ name: "NOTIFICATION_URL", value: notificationUrl }, ...foundation.env("NOTIFICATION_API_KEY")],
      notification: foundation.env("NOTIFY_WEBHOOK_URL", "SMTP_URL"),
    };
    for (const service of appServices) {
      new ColourService(
        `${service.name}-${colour}`,
        { service, colour, image, settings: cfg.services[service.name], foundation, env: extraEnv[service.name] },
        { ...onCluster, dependsOn: [...(platform.dependsOn ?? []), migration] },
      );
    }
  }

  // What a flip changes: the routes' default backends and the CronJob's image.
  new Routes(
    "routes",
    {
      namespace: foundation.namespace,
      services: appServices,
      activeColour: cfg.activeColor,
      listener: gateway.listener,
      domain: cfg.domain,
      gateway: gateway.gateway,
    },
    onCluster,
  );
  new Aggregator(
    "aggregator",
    {
      schedule: cfg.aggregator.schedule,
      colour: cfg.activeColor,
      image: cfg.images[cfg.activeColor],
      resources: cfg.aggregator.resources,
      foundation,
    },
    onCluster,
  );

  return {
    [activeColourKey]: cfg.activeColor,
    [idleColourOutput]: cfg.idleColor,
    url: gateway.url,
    urlHint: gateway.urlHint,
    images: cfg.images,
    namespace: foundation.namespace,
    // The release analysis reaches it through the Kubernetes API's service proxy; a Prometheus the
    // program did not install has no known address (`--prometheus-url` then).
    ...(cfg.monitoring.enabled && cfg.monitoring.install
      ? { prometheus: prometheusServiceOf(cfg.monitoring.namespace) }
      : {}),
    ...platform.outputs,
  };
}
