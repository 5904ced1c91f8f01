import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type Colour, colours } from "../../contract/index.js";
import { type AppService, partOf } from "./apps.js";
import { serviceName } from "./colour-service.js";
import { gatewayName } from "./gateway.js";

/** Header that pins a request to one colour: how the idle colour is smoke-tested on the real host. */
export const colourHeader = "x-moon-colour";

export interface RoutesArgs {
  namespace: pulumi.Input<string>;
  services: readonly AppService[];
  activeColour: Colour;
  listener: "http" | "https";
  domain?: string;
  /** The Gateway the routes attach to (they wait for it). */
  gateway: pulumi.Resource;
}

/**
 * One HTTPRoute per service. The default rule sends its paths to the active colour; a rule per colour
 * matching `x-moon-colour` wins over it (more header matches take precedence in Gateway API).
 * The active colour appears nowhere else, so a flip changes only these objects' backends.
 */
export class Routes extends pulumi.ComponentResource {
  constructor(name: string, args: RoutesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:Routes", name, {}, opts);
    const labels = { "app.kubernetes.io/part-of": partOf };
    const hostnames = args.domain ? { hostnames: [args.domain] } : {};
    const childOpts = { parent: this, dependsOn: [args.gateway] };

    const routes = args.services.map((service) => {
      const backend = (colour: Colour) => [{ name: serviceName(service.name, colour), port: service.port }];
      const matches = (colour?: Colour) =>
        service.paths.map((path) => ({
          path: { type: "PathPrefix", value: path },
          ...(colour ? { headers: [{ type: "Exact", name: colourHeader, value: colour }] } : {}),
        }));
      return new k8s.apiextensions.CustomResource(
        service.name,
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: service.name, namespace: args.namespace, labels },
          spec: {
            parentRefs: [{ name: gatewayName, sectionName: args.listener }],
            ...hostnames,
            rules: [
              { matches: matches(), backendRefs: backend(args.activeColour) },
              ...colours.map((colour) => ({ matches: matches(colour), backendRefs: backend(colour) })),
            ],
          },
        },
        childOpts,
      );
    });

    if (args.listener === "https") {
      new k8s.apiextensions.CustomResource(
        "https-redirect",
        {
          apiVersion: "gateway.networking.k8s.io/v1",
          kind: "HTTPRoute",
          metadata: { name: "https-redirect", namespace: args.namespace, labels },
          spec: {
            parentRefs: [{ name: gatewayName, sectionName: "http" }],
            ...hostnames,
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
          },
        },
        childOpts,
      );
    }

    this.registerOutputs({ routes: routes.map((r) => r.metadata.name) });
  }
}
