// Reaching an in-cluster Service through the Kubernetes API's service proxy
// (/api/v1/namespaces/<ns>/services/<name>:<port>/proxy/...) with a kubeconfig's credentials, so CI needs
// no public endpoint and no port-forward. @kubernetes/client-node applies the kubeconfig: CA, client
// certificates, tokens and exec plugins such as `aws eks get-token`.
import { request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import type { Transport } from "./prometheus-api.js";

export interface ServiceRef {
  namespace: string;
  /** Service name. */
  service: string;
  /** Port number or name. */
  port: number | string;
}

const requestTimeoutMs = 15_000;

/**
 * The stack's `kubeconfig` output (text or an object; the cloud targets export it), else this machine's
 * kubeconfig (KUBECONFIG or ~/.kube/config: a local cluster); `context` picks a context other than the current one.
 */
export function loadKubeConfig(output: unknown, context?: string): KubeConfig {
  const config = new KubeConfig();
  if (typeof output === "string" && output) config.loadFromString(output);
  else if (typeof output === "object" && output !== null) config.loadFromString(JSON.stringify(output));
  else config.loadFromDefault();
  if (context) config.setCurrentContext(context);
  return config;
}

/** The proxy path of a Service, as the API server serves it. */
export function serviceProxyPath(ref: ServiceRef): string {
  const segment = (value: string | number) => encodeURIComponent(String(value));
  return `/api/v1/namespaces/${segment(ref.namespace)}/services/${segment(ref.service)}:${segment(ref.port)}/proxy`;
}

/** GETs on `ref` through the API server of `config`'s current context. */
export function serviceProxyTransport(config: KubeConfig, ref: ServiceRef): Transport {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no cluster for its current context");
  const base = cluster.server.replace(/\/+$/, "") + serviceProxyPath(ref);
  return async (pathAndQuery) => {
    const options: RequestOptions = { method: "GET", timeout: requestTimeoutMs, headers: {} };
    await config.applyToHTTPSOptions(options);
    const url = new URL(base + pathAndQuery);
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, options, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${requestTimeoutMs / 1000}s`)));
      req.on("error", reject);
      req.end();
    });
  };
}
