// Every stack setting is validated: a bad value stops the program naming the key and what is allowed.
import { describe, expect, it } from "vitest";
import { render } from "./render/render.js";

const refused = async (set: Record<string, string>, unset: string[] = []) => {
  const error = await render({ stack: "local", set, unset }).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(error, `accepted ${JSON.stringify(set)}`).toBeInstanceOf(Error);
  return error!.message;
};

describe("stack config", () => {
  it.each([
    [{ target: "gke" }, "target", /expected one of "local"\|"eks"\|"doks"/],
    [{ activeColor: "purple" }, "activeColor", /"blue"\|"green"/],
    [{ "images.green": "not an image!" }, "images.green", /image reference/],
    [{ "images.blue": "registry.example.com/moon-agent-tracker" }, "images.blue", /tag or a digest/],
    [{ namespace: "Moon_NS" }, "namespace", /DNS label/],
    [{ logLevel: "loud" }, "logLevel", /expected one of/],
    [{ "services.agent.minReplicas": "1" }, "services.agent.minReplicas", /at least 2/],
    [{ "services.sales.maxReplicas": "1" }, "services.sales.maxReplicas", /at least minReplicas/],
    [
      { "services.notification.resources.memoryLimit": "lots" },
      "services.notification.resources.memoryLimit",
      /memory quantity/,
    ],
    [{ "services.agent.targetCpuPercent": "5" }, "services.agent.targetCpuPercent", /10/],
    [{ "aggregator.schedule": "every hour" }, "aggregator.schedule", /cron schedule/],
    // With monitoring on, the aggregator alert derives its period from the schedule: names are not read.
    [
      { "monitoring.enabled": "true", "aggregator.schedule": "0 3 * * MON" },
      "aggregator.schedule",
      /day of week "MON" is not a number/,
    ],
    [{ domain: "not a domain" }, "domain", /DNS name/],
    [{ "gateway.chartVersion": "latest" }, "gateway.chartVersion", /chart version/],
    [{ "database.name": "moon db" }, "database.name", /DNS label/],
    [{ "local.storageSize": "big" }, "local.storageSize", /storage quantity/],
    [{ notifyWebhookUrl: "ftp://hooks.example.com" }, "notifyWebhookUrl", /http/],
    [{ smtpUrl: "https://mail.example.com" }, "smtpUrl", /smtp/],
    [{ "release.analysis.maxErrorRatio": "2" }, "release.analysis.maxErrorRatio", /ratio from 0 to 1/],
    [{ "release.analysis.maxP99Seconds": "0" }, "release.analysis.maxP99Seconds", /seconds above 0/],
    [
      { "release.analysis.watchSeconds": "60", "release.analysis.intervalSeconds": "90" },
      "release.analysis.intervalSeconds",
      /at most watchSeconds/,
    ],
    [{ "release.analysis.window": "5m" }, "release.analysis.window", /not a known setting/],
    [{ "monitoring.enabled": "yes" }, "monitoring.enabled", /true or false/],
    [{ "monitoring.install": "maybe" }, "monitoring.install", /true or false/],
    [{ "monitoring.chartVersion": "latest" }, "monitoring.chartVersion", /chart version/],
    [{ "monitoring.storageSize": "big" }, "monitoring.storageSize", /storage quantity/],
    [{ "monitoring.objectLabels.release": "not ok!" }, "monitoring.objectLabels.release", /label value/],
    [{ alertWebhookUrl: "https://hooks.example.com/x" }, "alertWebhookUrl", /needs monitoring.enabled/],
    [{ "monitoring.enabled": "true", alertWebhookUrl: "ftp://hooks" }, "alertWebhookUrl", /http/],
    [
      { "monitoring.enabled": "true", alertSmtpPassword: "0123456789" },
      "alertSmtpPassword",
      /needs monitoring.alertEmail with a username/,
    ],
    [
      {
        "monitoring.enabled": "true",
        "monitoring.alertEmail.to": "on-call",
        "monitoring.alertEmail.from": "alerts@example.com",
        "monitoring.alertEmail.smarthost": "smtp.example.com:587",
      },
      "monitoring.alertEmail.to",
      /email address/,
    ],
    [
      {
        "monitoring.enabled": "true",
        "monitoring.alertEmail.to": "oncall@example.com",
        "monitoring.alertEmail.from": "alerts@example.com",
        "monitoring.alertEmail.smarthost": "smtp.example.com",
      },
      "monitoring.alertEmail.smarthost",
      /host:port/,
    ],
    [
      {
        "monitoring.enabled": "true",
        "monitoring.alertEmail.to": "oncall@example.com",
        "monitoring.alertEmail.from": "alerts@example.com",
        "monitoring.alertEmail.smarthost": "smtp.example.com:587",
        "monitoring.alertEmail.username": "alerts",
      },
      "monitoring.alertEmail.username",
      /needs the secret alertSmtpPassword/,
    ],
    [{ colour: "blue" }, "colour", /not a known setting/],
    [{ "services.billing.minReplicas": "2" }, "services.billing", /not a known setting/],
  ])("refuses %j naming %s", async (set, key, allowed) => {
    const message = await refused(set);
    const line = message.split("\n").find((l) => l.includes(`moon-agent-tracker:${key}:`));
    expect(line, message).toBeDefined();
    expect(line).toMatch(allowed);
  });

  it.each([
    ["root:0123456789abcdef", /role admin, integration or viewer/],
    ["admin:short", /shorter than 16/],
    [",", /at least one/],
  ])("refuses apiKeys %s without echoing it", async (apiKeys, allowed) => {
    const message = await refused({ apiKeys });
    expect(message).toMatch(new RegExp(`moon-agent-tracker:apiKeys: .*${allowed.source}`));
    expect(message).not.toContain(apiKeys === "," ? "apiKeys: ," : apiKeys);
  });

  it.each(["target", "images", "apiKeys"])("requires %s", async (key) => {
    expect(await refused({}, [key])).toContain(`moon-agent-tracker:${key}: is required`);
  });

  it("requires a kubeconfig context for the local target instead of following the current one", async () => {
    expect(await refused({ local: '{"storageSize":"2Gi"}' })).toContain(
      "moon-agent-tracker:local.context: is required",
    );
    expect(await refused({}, ["local"])).toContain("moon-agent-tracker:local.context: is required");
  });

  it("reports every bad key at once", async () => {
    const message = await refused({ activeColor: "red", "images.green": "x y" });
    expect(message).toMatch(/activeColor[\s\S]*images\.green/);
  });

  it("accepts the shipped local stack and a digest-pinned image", async () => {
    const ok = await render({
      stack: "local",
      set: {
        "images.green": `registry.example.com/moon-agent-tracker@sha256:${"a".repeat(64)}`,
        "aggregator.schedule": "@daily",
      },
    });
    expect(ok.outputs.images).toMatchObject({ green: expect.stringContaining("@sha256:") });
  });
});
