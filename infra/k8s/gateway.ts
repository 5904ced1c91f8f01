import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GatewayFacts } from "../platforms/platform.js";
import { partOf } from "./apps.js";

export interface GatewayInstallArgs {
  /** Namespace of the Gateway (the app's). */
  namespace: pulumi.Input<string>;
  /** Namespace Envoy Gateway's controller and proxies run in. */
  controllerNamespace: string;
  chartVersion: string;
  /** Install the Gateway API CRDs; false where the cluster provides them (DOKS). Envoy Gateway's own CRDs always go in. */
  installGatewayApiCrds: boolean;
  facts: GatewayFacts;
  /** Public host; adds an HTTPS listener when set. */
  domain?: string;
  /** cert-manager ClusterIssuer that fills the listener's certificate Secret. */
  certIssuer?: string;
}

export const gatewayName = "public";
/** Labels Envoy Gateway puts on the proxy pods of a Gateway: what network policies admit. */
export const proxyPodLabels = (namespace: string) => ({
  "gateway.envoyproxy.io/owning-gateway-name": gatewayName,
  "gateway.envoyproxy.io/owning-gateway-namespace": namespace,
});
export const tlsSecretName = (namespace: string) => `${namespace}-tls`;
/** Where Envoy Gateway reports the address of the proxies' Service: an IP or a load balancer's hostname. */
const addressPath = "{.status.addresses[0].value}";

/** The part of a Gateway's status (Gateway API v1) the program reads. */
interface GatewayStatus {
  addresses?: { type?: string; value: string }[];
}

/**
 * Envoy Gateway from its Helm chart, an EnvoyProxy shaping the proxies' Service for the platform, a
 * GatewayClass using it, and the one Gateway every route attaches to.
 */
export class GatewayInstall extends pulumi.ComponentResource {
  readonly gateway: k8s.apiextensions.CustomResource;
  /** Listener routes attach to: HTTPS when there is a domain, else plain HTTP. */
  readonly listener: "http" | "https";
  /**
   * Base URL clients use: `https://<domain>`, else the platform's own (local: a port-forward), else
   * `http://<address the Gateway reports>`; undefined while the Gateway has no address.
   */
  readonly url: pulumi.Output<string | undefined>;
  /** How to get the address by hand; set only while `url` is undefined. */
  readonly urlHint: pulumi.Output<string | undefined>;

  constructor(name: string, args: GatewayInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:GatewayInstall", name, {}, opts);
    const labels = { "app.kubernetes.io/part-of": partOf };

    // Helm installs a chart's CRDs once and never upgrades them, and Envoy Gateway's upgrade guide
    // applies CRDs before the controller: so the CRDs are their own resources, rendered by Pulumi from
    // the upstream CRD chart of the same version (server-side apply), and the controller chart skips them.
    const crds = new k8s.helm.v4.Chart(
      "gateway-crds",
      {
        chart: "oci://docker.io/envoyproxy/gateway-crds-helm",
        version: args.chartVersion,
        values: {
          crds: {
            gatewayAPI: { enabled: args.installGatewayApiCrds, channel: "standard" },
            envoyGateway: { enabled: true },
          },
        },
      },
      { parent: this },
    );
    const release = new k8s.helm.v3.Release(
      "envoy-gateway",
      {
        name: "envoy-gateway",
        chart: "oci://docker.io/envoyproxy/gateway-helm",
        version: args.chartVersion,
        namespace: args.controllerNamespace,
        createNamespace: true,
        skipCrds: true,
        // Its CRD subchart (CRDs plus Gateway API's safe-upgrades admission policy) is managed above.
        values: { crds: { enabled: false } },
      },
      { parent: this, dependsOn: [crds] },
    );
    // CRDs and the controller must exist before any Gateway API object is sent.
    const afterRelease = { parent: this, dependsOn: [release] };
    const proxySelector = pulumi.output(args.namespace).apply(proxyPodLabels);
    const proxyConfig = new k8s.apiextensions.CustomResource(
      "envoy-proxy",
      {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: gatewayName, namespace: args.controllerNamespace, labels },
        spec: {
          provider: {
            type: "Kubernetes",
            kubernetes: {
              // Two proxies on different nodes (and zones where there are several), and a drain or
              // upgrade takes at most one of them at a time.
              envoyDeployment: {
                replicas: 2,
                pod: {
                  topologySpreadConstraints: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map(
                    (topologyKey) => ({
                      maxSkew: 1,
                      topologyKey,
                      whenUnsatisfiable: "ScheduleAnyway",
                      labelSelector: { matchLabels: proxySelector },
                    }),
                  ),
                },
              },
              envoyPDB: { maxUnavailable: 1 },
              envoyService: { type: args.facts.serviceType, annotations: args.facts.serviceAnnotations },
            },
          },
        },
      },
      afterRelease,
    );

    const gatewayClass = new k8s.apiextensions.CustomResource(
      "gateway-class",
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: pulumi.interpolate`${args.namespace}-envoy`, labels },
        spec: {
          controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
          parametersRef: {
            group: "gateway.envoyproxy.io",
            kind: "EnvoyProxy",
            name: proxyConfig.metadata.name,
            namespace: args.controllerNamespace,
          },
        },
      },
      afterRelease,
    );

    const sameNamespace = { namespaces: { from: "Same" } };
    const hostname = args.domain ? { hostname: args.domain } : {};
    const listeners: Record<string, unknown>[] = [
      { name: "http", protocol: "HTTP", port: 80, ...hostname, allowedRoutes: sameNamespace },
    ];
    if (args.domain) {
      listeners.push({
        name: "https",
        protocol: "HTTPS",
        port: 443,
        ...hostname,
        tls: {
          mode: "Terminate",
          certificateRefs: [{ kind: "Secret", name: pulumi.output(args.namespace).apply(tlsSecretName) }],
        },
        allowedRoutes: sameNamespace,
      });
    }
    this.listener = args.domain ? "https" : "http";

    this.gateway = new k8s.apiextensions.CustomResource(
      "gateway",
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
          name: gatewayName,
          namespace: args.namespace,
          labels,
          annotations: {
            // The first `up` waits for the load balancer, so its address is in the status read back.
            "pulumi.com/waitFor": `jsonpath=${addressPath}`,
            ...(args.certIssuer ? { "cert-manager.io/cluster-issuer": args.certIssuer } : {}),
          },
        },
        spec: { gatewayClassName: gatewayClass.metadata.name, listeners },
        // The SDK exposes only the properties it was given; naming `status` exposes what the provider reads back.
        status: undefined,
      },
      afterRelease,
    );

    const { status } = this.gateway as k8s.apiextensions.CustomResource & {
      status: pulumi.Output<GatewayStatus | undefined>;
    };
    const address = status.apply((reported) => reported?.addresses?.[0]?.value);
    const fixedUrl = args.domain ? `https://${args.domain}` : args.facts.url;
    this.url = fixedUrl ? pulumi.output(fixedUrl) : address.apply((value) => (value ? `http://${value}` : undefined));
    this.urlHint = pulumi
      .all([this.url, args.namespace])
      .apply(([url, namespace]) =>
        url
          ? undefined
          : "the Gateway has no address yet: once its load balancer is up, run `pulumi up --refresh` to fill the url output, " +
            `or read it with: kubectl get gateway -n ${namespace} ${gatewayName} -o jsonpath='${addressPath}'`,
      );

    this.registerOutputs({ gateway: this.gateway.metadata.name, release: release.status, url: this.url });
  }
}
