// An HTTPS server standing in for the Kubernetes API's service proxy: it accepts only the bearer token
// the kubeconfig's exec plugin hands out, serves /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/*
// for one Service by forwarding to `upstream`, and writes a kubeconfig that reaches it (with its CA).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { type ServiceRef, serviceProxyPath } from "../../stacks/kube-proxy.js";

export interface KubeApiProxy {
  /** A kubeconfig (YAML) whose exec plugin prints the token this server accepts. */
  kubeconfig: string;
  /** Requests seen, as `status path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startKubeApiProxy(ref: ServiceRef, upstream: string): Promise<KubeApiProxy> {
  const dir = mkdtempSync(join(tmpdir(), "moon-kube-api-"));
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ]),
    { stdio: "ignore" },
  );
  const cert = readFileSync(join(dir, "cert.pem"));
  const key = readFileSync(join(dir, "key.pem"));
  rmSync(dir, { recursive: true, force: true });

  const token = `exec-token-${Math.random().toString(36).slice(2)}`;
  const prefix = serviceProxyPath(ref);
  const requests: string[] = [];
  const server: Server = createServer({ cert, key }, async (req, res) => {
    const path = req.url ?? "/";
    const answer = (status: number, body: string) => {
      requests.push(`${status} ${path}`);
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    };
    if (req.headers.authorization !== `Bearer ${token}`) {
      return answer(401, JSON.stringify({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 }));
    }
    if (!path.startsWith(`${prefix}/`)) {
      return answer(404, JSON.stringify({ kind: "Status", status: "Failure", reason: "NotFound", code: 404 }));
    }
    const forwarded = await fetch(upstream + path.slice(prefix.length)).catch(() => null);
    if (!forwarded) return answer(503, JSON.stringify({ kind: "Status", reason: "ServiceUnavailable", code: 503 }));
    answer(forwarded.status, await forwarded.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  // With an expiry, as `aws eks get-token` prints one: the client caches the token until then.
  const expirationTimestamp = new Date(Date.now() + 10 * 60_000).toISOString();
  const credential = {
    apiVersion: "client.authentication.k8s.io/v1beta1",
    kind: "ExecCredential",
    status: { token, expirationTimestamp },
  };
  const kubeconfig = stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "stand-in",
        cluster: { server: `https://127.0.0.1:${port}`, "certificate-authority-data": cert.toString("base64") },
      },
    ],
    // As `aws eks get-token` does for EKS: a command prints the credential.
    users: [
      {
        name: "ci",
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: process.execPath,
            args: ["-e", `console.log(${JSON.stringify(JSON.stringify(credential))})`],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: "stand-in", context: { cluster: "stand-in", user: "ci" } }],
    "current-context": "stand-in",
  });
  return { kubeconfig, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
