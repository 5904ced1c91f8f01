// The release analysis in a flow: before the flip, the idle colour's figures over its smoke tests;
// after it, the new live colour watched for release.analysis.watchSeconds. Skipped, with a warning,
// where the stack has no monitoring and no --prometheus-url was given.

import type { Colour } from "../contract/index.js";
import type { ReleaseAnalysisSettings } from "../infra/release-settings.js";
import { describeFigures, judge, measureColour, type Window } from "./analysis.js";
import { monitoringEnabled, readAnalysisSettings } from "./analysis-settings.js";
import type { FlowContext } from "./flow-context.js";
import { PrometheusApi, prometheusAt } from "./prometheus-api.js";

export interface AnalysisGate {
  /** Throws AnalysisBreach when `colour` breached a threshold within `window`. */
  checkWindow(colour: Colour, window: Window): Promise<void>;
  /** Watches `colour` from `from` (Unix seconds) for the configured window; throws on the first breach. */
  watch(colour: Colour, from: number): Promise<void>;
}

/** The gate for this flow, or null (after printing why) when there is nothing to analyse with. */
export async function analysisGate(ctx: FlowContext): Promise<AnalysisGate | null> {
  const settings = await readAnalysisSettings(ctx.stack);
  if (!ctx.prometheusUrl && !(await monitoringEnabled(ctx.stack))) {
    ctx.log.print(
      `warning: monitoring is off on stack ${ctx.stack.name} (monitoring.enabled): the release is not ` +
        "analysed in Prometheus, only smoke-tested (--prometheus-url analyses against a Prometheus you name)",
    );
    return null;
  }
  let prometheus: PrometheusApi | undefined;
  // Connected on first use: a release deploys before it analyses, and may be what installs Prometheus.
  const connect = async () => (prometheus ??= await connectPrometheus(ctx));

  const check = async (colour: Colour, window: Window) => {
    const figures = await measureColour(await connect(), colour, window);
    for (const f of figures) ctx.log.detail(describeFigures(f, settings));
    judge(colour, figures, settings);
  };

  return {
    async checkWindow(colour, window) {
      const seconds = (window.to - window.from).toFixed(1);
      await ctx.log.step(
        `analyse ${colour} in Prometheus over the smoke tests (${seconds}s)`,
        () => check(colour, window),
        () => "within thresholds",
      );
    },
    async watch(colour, from) {
      if (settings.watchSeconds === 0) {
        ctx.log.print("warning: release.analysis.watchSeconds is 0: the live colour is not watched");
        return;
      }
      await ctx.log.step(
        `watch ${colour} live for ${settings.watchSeconds}s (a check every ${settings.intervalSeconds}s)`,
        () => watchLive(colour, from, settings, (window) => check(colour, window), ctx.log.detail.bind(ctx.log)),
        () => "within thresholds throughout",
      );
    },
  };
}

/** Checks [from, now] at each interval until the watch window ends; the last check is at its end. */
async function watchLive(
  colour: Colour,
  from: number,
  settings: ReleaseAnalysisSettings,
  check: (window: Window) => Promise<void>,
  detail: (line: string) => void,
): Promise<void> {
  const end = from + settings.watchSeconds;
  for (let at = from + settings.intervalSeconds; ; at = Math.min(at + settings.intervalSeconds, end)) {
    const wait = at * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    detail(`${colour} after ${Math.round(at - from)}s:`);
    await check({ from, to: at });
    if (at >= end) return;
  }
}

async function connectPrometheus(ctx: FlowContext): Promise<PrometheusApi> {
  if (ctx.prometheusUrl) return prometheusAt(ctx.prometheusUrl);
  const outputs = await ctx.stack.outputs();
  const ref = serviceRefOf(outputs.prometheus);
  if (!ref) {
    throw new Error(
      "the stack has no prometheus output (namespace, service, port of its Prometheus); pass --prometheus-url, " +
        "e.g. http://127.0.0.1:9090 while `kubectl port-forward -n <namespace> svc/<prometheus> 9090` runs",
    );
  }
  const { loadKubeConfig, serviceProxyTransport } = await import("./kube-proxy.js");
  const config = loadKubeConfig(outputs.kubeconfig, await ctx.stack.getConfig("local.context"));
  const server = config.getCurrentCluster()?.server;
  const where = `service ${ref.namespace}/${ref.service}:${ref.port} through the Kubernetes API at ${server}`;
  return new PrometheusApi(where, serviceProxyTransport(config, ref));
}

function serviceRefOf(value: unknown): { namespace: string; service: string; port: number | string } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { namespace, service, port } = value as Record<string, unknown>;
  if (typeof namespace !== "string" || typeof service !== "string") return undefined;
  if (typeof port !== "number" && typeof port !== "string") return undefined;
  return { namespace, service, port };
}
