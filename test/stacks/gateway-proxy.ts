// A header-routing reverse proxy standing in for the Gateway API: `x-moon-colour: blue|green` picks
// that colour; without it, traffic goes to the colour the stack has deployed as active. A colour's
// upstream is one base URL, or one per path (real services, each serving its own path prefixes).
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Colour, isColour } from "../../contract/index.js";

/** A base URL, or the base URL serving a path (undefined: no route, 404). */
export type Upstream = string | ((path: string) => string | undefined);

export interface GatewayProxy {
  url: string;
  close(): Promise<void>;
}

export async function startGatewayProxy(
  upstreams: Record<Colour, Upstream>,
  liveColour: () => Colour | undefined,
): Promise<GatewayProxy> {
  const server: Server = createServer((incoming, outgoing) => {
    const asked = incoming.headers["x-moon-colour"];
    const colour = isColour(asked) ? asked : liveColour();
    if (!colour) {
      outgoing.writeHead(503).end("no live colour");
      return;
    }
    const path = incoming.url ?? "/";
    const route = upstreams[colour];
    const base = typeof route === "string" ? route : route(path);
    if (!base) {
      outgoing.writeHead(404).end("no route");
      return;
    }
    const upstream = new URL(path, base);
    const forwarded = request(upstream, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on("error", () => outgoing.writeHead(502).end("upstream unreachable"));
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
