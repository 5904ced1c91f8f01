// How a render builds the engine's config from a stack file: what `pulumi up` would hand the program.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderPlaceholders, stackConfig } from "./stack-config.js";

const root = mkdtempSync(join(tmpdir(), "stack-config-"));
writeFileSync(
  join(root, "Pulumi.dev.yaml"),
  [
    "config:",
    "  kubernetes:context: kind-moon",
    "  moon-agent-tracker:target: local",
    "  moon-agent-tracker:images:",
    "    blue: moon:1",
    "    green: moon:1",
    "  moon-agent-tracker:services:",
    "    agent:",
    "      minReplicas: 3",
    "  moon-agent-tracker:smtpUrl:",
    "    secure: v1:AAAABBBBCCCC",
    "",
  ].join("\n"),
);

describe("stackConfig", () => {
  it("passes plain values as text and structured ones as JSON, like the language host", () => {
    const { config } = stackConfig({ stack: "dev", root });
    expect(config["moon-agent-tracker:target"]).toBe("local");
    expect(config["kubernetes:context"]).toBe("kind-moon");
    expect(JSON.parse(config["moon-agent-tracker:images"]!)).toEqual({ blue: "moon:1", green: "moon:1" });
  });

  it("replaces encrypted values and a missing apiKeys with placeholders, marked secret", () => {
    const { config, secretKeys } = stackConfig({ stack: "dev", root });
    expect(config["moon-agent-tracker:smtpUrl"]).toBe(renderPlaceholders.smtpUrl);
    expect(config["moon-agent-tracker:apiKeys"]).toBe(renderPlaceholders.apiKeys);
    expect(config["moon-agent-tracker:notifyWebhookUrl"]).toBeUndefined();
    expect(secretKeys.sort()).toEqual(["moon-agent-tracker:apiKeys", "moon-agent-tracker:smtpUrl"]);
  });

  it("applies --set paths into structured values without losing their siblings, and unsets keys", () => {
    const { config } = stackConfig({
      stack: "dev",
      root,
      set: {
        "images.green": "moon:2",
        "services.sales.maxReplicas": "5",
        activeColor: "green",
        "kubernetes:namespace": "x",
      },
      unset: ["apiKeys", "target"],
    });
    expect(JSON.parse(config["moon-agent-tracker:images"]!)).toEqual({ blue: "moon:1", green: "moon:2" });
    expect(JSON.parse(config["moon-agent-tracker:services"]!)).toEqual({
      agent: { minReplicas: 3 },
      sales: { maxReplicas: "5" },
    });
    expect(config["moon-agent-tracker:activeColor"]).toBe("green");
    expect(config["kubernetes:namespace"]).toBe("x");
    expect(config["moon-agent-tracker:apiKeys"]).toBeUndefined();
    expect(config["moon-agent-tracker:target"]).toBeUndefined();
  });

  it("names the missing stack file", () => {
    expect(() => stackConfig({ stack: "nope", root })).toThrow(/no stack file .*Pulumi\.nope\.yaml/);
  });
});
