// The `url` output the release tooling smoke-tests through, on every stack, and the hint while it is unknown.
import { afterEach, describe, expect, it } from "vitest";
import { fakeOutputs } from "./render/fakes.js";
import { named } from "./render/inspect.js";
import { kubeObjects } from "./render/objects.js";
import { render } from "./render/render.js";

const gatewayType = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const reportsAddress = fakeOutputs[gatewayType]!;
afterEach(() => {
  fakeOutputs[gatewayType] = reportsAddress;
});

describe("url output", () => {
  it("is the port-forward address on local, which has no load balancer", async () => {
    const { outputs } = await render({ stack: "local" });
    expect(outputs.url).toBe("http://localhost:8080");
    expect(outputs.urlHint).toBeUndefined();
  });

  it.each(["local", "eks", "doks"])("is https://<domain> on %s when a domain is set", async (stack) => {
    const { outputs } = await render({ stack, set: { domain: "moon.example.com" } });
    expect(outputs.url).toBe("https://moon.example.com");
    expect(outputs.urlHint).toBeUndefined();
  });

  it.each(["eks", "doks"])("is the address the Gateway reports on %s without a domain", async (stack) => {
    const rendered = await render({ stack });
    expect(rendered.outputs.url).toBe("http://gateway.lb.fake");
    expect(rendered.outputs.urlHint).toBeUndefined();
    // `pulumi up` waits for that address, so the status the provider reads back carries it.
    expect(named(kubeObjects(rendered.resources), "Gateway", "public").metadata.annotations).toMatchObject({
      "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}",
    });
  });

  it("is absent, with a hint saying how to get the address, while the Gateway reports none", async () => {
    fakeOutputs[gatewayType] = () => ({});
    const { outputs } = await render({ stack: "eks" });
    expect(outputs.url).toBeUndefined();
    expect(outputs.urlHint).toContain("pulumi up --refresh");
    expect(outputs.urlHint).toContain("kubectl get gateway -n moon public -o jsonpath='{.status.addresses[0].value}'");
  });
});
