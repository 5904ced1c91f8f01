// Blue/green: what the routes say for each active colour, and what a flip or a release changes.
import { beforeAll, describe, expect, it } from "vitest";
import { reveal } from "./render/objects.js";
import { type Rendered, render } from "./render/render.js";

const images = {
  "images.blue": "registry.example.com/moon-agent-tracker:1.4.0",
  "images.green": "registry.example.com/moon-agent-tracker:1.5.0",
};
const paths = {
  agent: ["/agents", "/products"],
  sales: ["/sales", "/targets"],
  notification: ["/notifications"],
} as const;
const ports = { agent: 8000, sales: 8001, notification: 8002 } as const;

const renderWith = (set: Record<string, string>) => render({ stack: "local", set: { ...images, ...set } });

/** `type name` → inputs, for diffing two renders. */
function index(r: Rendered): Map<string, string> {
  return new Map(r.resources.map((res) => [`${res.type} ${res.name}`, JSON.stringify(reveal(res.inputs))]));
}

function changed(a: Rendered, b: Rendered): string[] {
  const [before, after] = [index(a), index(b)];
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

const route = (r: Rendered, service: string) =>
  reveal(
    r.resources.find((res) => res.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute" && res.name === service)!
      .inputs,
  ) as any;
const cronContainer = (r: Rendered) =>
  (reveal(r.resources.find((res) => res.type === "kubernetes:batch/v1:CronJob")!.inputs) as any).spec.jobTemplate.spec
    .template.spec.containers[0];

let blue: Rendered;
let green: Rendered;

beforeAll(async () => {
  blue = await renderWith({ activeColor: "blue" });
  green = await renderWith({ activeColor: "green" });
});

describe.each([
  ["blue", () => blue],
  ["green", () => green],
] as const)("with activeColor %s", (active, rendered) => {
  it.each(Object.keys(paths) as (keyof typeof paths)[])(
    "routes %s's paths to the active colour, and each colour by header",
    (service) => {
      const rules = route(rendered(), service).spec.rules;
      const prefixes = paths[service].map((value) => ({ type: "PathPrefix", value }));
      const backend = (colour: string) => [{ name: `${service}-${colour}`, port: ports[service] }];
      expect(rules).toEqual([
        { matches: prefixes.map((path) => ({ path })), backendRefs: backend(active) },
        ...["blue", "green"].map((colour) => ({
          matches: prefixes.map((path) => ({
            path,
            headers: [{ type: "Exact", name: "x-moon-colour", value: colour }],
          })),
          backendRefs: backend(colour),
        })),
      ]);
    },
  );

  it("runs the aggregator on the active colour's image and reports both colours", () => {
    const container = cronContainer(rendered());
    expect(container.image).toBe(images[`images.${active}`]);
    expect(container.env).toContainEqual({ name: "COLOUR", value: active });
    expect(rendered().outputs).toMatchObject({ activeColor: active, idleColor: active === "blue" ? "green" : "blue" });
  });
});

describe("a flip", () => {
  it("changes only the HTTPRoutes and the aggregator CronJob", () => {
    expect(changed(blue, green)).toEqual([
      "kubernetes:batch/v1:CronJob aggregator",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute agent",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute notification",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute sales",
    ]);
  });

  it("is undone by flipping back", async () => {
    expect(changed(blue, await renderWith({ activeColor: "blue" }))).toEqual([]);
  });
});

describe("a release of the idle colour", () => {
  it("touches only that colour's services and migration", async () => {
    const released = await renderWith({
      activeColor: "blue",
      "images.green": "registry.example.com/moon-agent-tracker:1.6.0",
    });
    const diff = changed(blue, released);
    const migrations = diff.filter((k) => k.includes("Job migrate-green"));
    expect(diff.filter((k) => !migrations.includes(k))).toEqual(
      ["agent", "notification", "sales"].map((s) => `kubernetes:apps/v1:Deployment ${s}-green`),
    );
    // A new image means a new Job (Jobs are immutable); the old one is deleted, the new one runs.
    expect(migrations).toEqual(["kubernetes:batch/v1:Job migrate-green"]);
    const job = (r: Rendered) =>
      reveal(
        r.resources.find((res) => res.type === "kubernetes:batch/v1:Job" && res.name === "migrate-green")!.inputs,
      ) as any;
    expect(job(released).metadata.name).not.toBe(job(blue).metadata.name);
    expect(job(released).spec.template.spec.containers[0].image).toBe("registry.example.com/moon-agent-tracker:1.6.0");
  });
});
