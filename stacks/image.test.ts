// No container engine here to build the image with, so its contract is checked by reading the files.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
const dockerignore = readFileSync(new URL("../.dockerignore", import.meta.url), "utf8");
const instructions = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .filter((line) => line.trim() && !line.startsWith("#"));
const stages = instructions
  .join("\n")
  .split(/^FROM /m)
  .slice(1)
  .map((stage) => `FROM ${stage}`);
const runtime = stages.at(-1) ?? "";

describe("Dockerfile", () => {
  it("builds and runs on Node 24 of one Debian release, pinned to exact tags", () => {
    const bases = instructions.filter((line) => line.startsWith("ARG ") && line.includes("_IMAGE="));
    expect(bases).toHaveLength(2);
    // An exact Node release for the build stages (a digest may follow), the Node 24 distroless runtime
    // on the same Debian (12, bookworm), so production dependencies are built against the runtime's libc.
    expect(bases[0]).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim(@sha256:[a-f0-9]{64})?$/);
    expect(bases[1]).toMatch(
      /^ARG RUNTIME_IMAGE=gcr\.io\/distroless\/nodejs24-debian12:nonroot(@sha256:[a-f0-9]{64})?$/,
    );
    for (const from of instructions.filter((line) => line.startsWith("FROM "))) {
      expect(from).toMatch(/^FROM \$\{(NODE_IMAGE|RUNTIME_IMAGE)\}/);
    }
  });

  it("runs every program from /app as uid 10001 with no shell at run time", () => {
    expect(runtime).toMatch(/^FROM \$\{RUNTIME_IMAGE\}/);
    expect(runtime).toContain("WORKDIR /app");
    expect(runtime).toContain("USER 10001:10001");
    expect(runtime).toContain('ENTRYPOINT ["node", "/app/dist/apps/main.js"]');
    expect(runtime).not.toMatch(/^RUN /m);
    expect(runtime).toMatch(/^COPY package\.json/m);
  });

  it("ships production dependencies only", () => {
    expect(runtime).toContain("COPY --from=production-deps /app/node_modules node_modules");
    const productionDeps = stages.find((stage) => stage.includes("AS production-deps")) ?? "";
    expect(productionDeps).toMatch(/npm ci --omit=dev/);
  });

  it("lets into the build context everything the build copies from it", () => {
    const admitted = dockerignore
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1));
    const copied = instructions
      .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(admitted).toContain(source);
  });
});
