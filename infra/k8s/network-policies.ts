import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EgressTarget } from "../platforms/platform.js";
import { type AppService, partOf } from "./apps.js";
import { proxyPodLabels } from "./gateway.js";

export interface NetworkPoliciesArgs {
  namespace: pulumi.Input<string>;
  /** Plain string: it also selects the namespace by its `kubernetes.io/metadata.name` label. */
  namespaceName: string;
  services: readonly AppService[];
  gatewayNamespace: string;
  database: EgressTarget;
  warehouse: EgressTarget;
  /** Notification delivers to outside webhooks / SMTP servers. */
  externalDelivery: boolean;
  /** cert-manager issues the certificate by HTTP-01: its solver pods in this namespace must be reachable. */
  acmeHttp01: boolean;
  /** Pods that scrape the services' /metrics (Prometheus), when monitoring is on. */
  scrapers?: { namespace: string; podLabels: Record<string, string> };
}

/** cert-manager's HTTP-01 solver pods: the label it puts on them and the port they answer on. */
export const acmeSolver = { labels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 };

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Spec = k8s.types.input.networking.v1.NetworkPolicySpec;
type LabelSelector = k8s.types.input.meta.v1.LabelSelector;

const byName = (...names: string[]) => ({
  matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: names }],
});
const namespaceNamed = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

function peers(target: EgressTarget): Peer[] {
  const ips: Peer[] = (target.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }));
  const pods: Peer[] = target.pods
    ? [{ namespaceSelector: namespaceNamed(target.pods.namespace), podSelector: { matchLabels: target.pods.labels } }]
    : [];
  return [...ips, ...pods];
}

/**
 * Everything denied, then exactly the flows the system has: gateway → services, sales → notification,
 * Prometheus → services (when monitoring is on), DNS, data stores.
 */
export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: NetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("moon:k8s:NetworkPolicies", name, {}, opts);
    const policy = (policyName: string, spec: Spec) =>
      new k8s.networking.v1.NetworkPolicy(
        policyName,
        {
          metadata: { name: policyName, namespace: args.namespace, labels: { "app.kubernetes.io/part-of": partOf } },
          spec,
        },
        { parent: this },
      );
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const serviceNames = args.services.map((s) => s.name);

    policy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

    policy("allow-dns", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [
            {
              namespaceSelector: namespaceNamed("kube-system"),
              podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
          ],
          ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
        },
      ],
    });

    policy("allow-database", {
      podSelector: byName(...serviceNames, "migrate", "aggregator"),
      policyTypes: ["Egress"],
      egress: [{ to: peers(args.database), ports: [tcp(args.database.port)] }],
    });

    policy("allow-warehouse", {
      podSelector: byName("aggregator"),
      policyTypes: ["Egress"],
      egress: [{ to: peers(args.warehouse), ports: [tcp(args.warehouse.port)] }],
    });

    const fromGateway: Peer[] = [
      {
        namespaceSelector: namespaceNamed(args.gatewayNamespace),
        podSelector: { matchLabels: proxyPodLabels(args.namespaceName) },
      },
    ];
    /** Lets `from` reach the selected pods on one TCP port. */
    const admit = (name: string, podSelector: LabelSelector, from: Peer[], port: number) =>
      policy(name, { podSelector, policyTypes: ["Ingress"], ingress: [{ from, ports: [tcp(port)] }] });
    for (const service of args.services)
      admit(`allow-gateway-to-${service.name}`, byName(service.name), fromGateway, service.port);

    if (args.acmeHttp01) {
      // The ACME server's challenge request comes in through the gateway to the solver cert-manager
      // starts in this namespace; without this the certificate is never issued.
      admit("allow-gateway-to-acme-solver", { matchLabels: acmeSolver.labels }, fromGateway, acmeSolver.port);
    }

    const scrapers = args.scrapers;
    if (scrapers) {
      const fromScrapers: Peer[] = [
        { namespaceSelector: namespaceNamed(scrapers.namespace), podSelector: { matchLabels: scrapers.podLabels } },
      ];
      for (const service of args.services)
        admit(`allow-scrape-${service.name}`, byName(service.name), fromScrapers, service.port);
    }

    const notification = args.services.find((s) => s.name === "notification");
    if (notification) {
      policy("allow-sales-to-notification", {
        podSelector: byName("sales"),
        policyTypes: ["Egress"],
        egress: [{ to: [{ podSelector: byName("notification") }], ports: [tcp(notification.port)] }],
      });
      policy("allow-notification-from-sales", {
        podSelector: byName("notification"),
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: byName("sales") }], ports: [tcp(notification.port)] }],
      });
      if (args.externalDelivery) {
        // Webhooks and mail servers are on the internet: any public address, never the cluster's private ranges.
        policy("allow-notification-delivery", {
          podSelector: byName("notification"),
          policyTypes: ["Egress"],
          egress: [
            {
              to: [
                {
                  ipBlock: {
                    cidr: "0.0.0.0/0",
                    except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"],
                  },
                },
              ],
              ports: [80, 443, 25, 465, 587].map(tcp),
            },
          ],
        });
      }
    }

    this.registerOutputs({});
  }
}
