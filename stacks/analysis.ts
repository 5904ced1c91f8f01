// Judging a colour by what Prometheus saw: per service, the share of requests answered 5xx and the p99
// latency within a time window, against the stack's thresholds (release.analysis.*).

import { type Colour, trafficRoutes } from "../contract/index.js";
import type { ReleaseAnalysisSettings } from "../infra/release-settings.js";
import type { PrometheusApi } from "./prometheus-api.js";

/** Probes and scrapes are not users' traffic; counting them would dilute the error ratio. */
const freshnessTimeoutMs = 90_000;

export interface Window {
  /** Unix seconds. */
  from: number;
  to: number;
}

export interface ServiceFigures {
  service: string;
  requests: number;
  errors: number;
  /** errors / requests; 0 without requests. */
  errorRatio: number;
  /** null without requests. */
  p99Seconds: number | null;
}

/** The figures breached a threshold; `failed` names each figure that did. */
export class AnalysisBreach extends Error {
  constructor(
    readonly colour: Colour,
    readonly failed: string[],
  ) {
    super(`${colour} is outside the release thresholds: ${failed.join("; ")}`);
    this.name = "AnalysisBreach";
  }
}

/**
 * What each of the colour's services answered within `window`, once Prometheus has scraped every one of
 * them after the window ended. Requests are counted per series from its last sample before the window
 * (0 for a series born inside it, e.g. a route's first 503), so the window reaches back to that scrape.
 */
export async function measureColour(
  prom: PrometheusApi,
  colour: Colour,
  window: Window,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<ServiceFigures[]> {
  const { services, at } = await waitForScrapeAfter(prom, colour, window.to, options);
  const traffic = `colour="${colour}",${trafficRoutes}`;
  const since = (selector: string) => {
    const from = window.from.toFixed(3);
    // A negative difference is a counter reset (a restarted pod): then all it counted since is new.
    return `((${selector} - (${selector} @ ${from} or ${selector} * 0)) >= 0 or ${selector})`;
  };
  // Evaluated at the fresh scrape found, not "now": a scrape failing since would leave no series.
  const byService = async (expr: string) =>
    new Map((await prom.query(expr, at)).map((s) => [s.labels.service ?? "", s.value] as const));
  const [requests, errors, p99] = await Promise.all([
    byService(`sum by (service) ${since(`http_requests_total{${traffic}}`)}`),
    byService(`sum by (service) ${since(`http_requests_total{${traffic},status=~"5.."}`)}`),
    byService(
      `histogram_quantile(0.99, sum by (service, le) ${since(`http_request_duration_seconds_bucket{${traffic}}`)})`,
    ),
  ]);
  return services.map((service) => {
    const total = Math.round(requests.get(service) ?? 0);
    const failed = Math.round(errors.get(service) ?? 0);
    const quantile = p99.get(service);
    return {
      service,
      requests: total,
      errors: failed,
      errorRatio: total > 0 ? failed / total : 0,
      p99Seconds: total > 0 && quantile !== undefined && Number.isFinite(quantile) ? quantile : null,
    };
  });
}

/** Each figure outside its threshold, as a sentence; a service without requests cannot be judged. */
export function breaches(figures: ServiceFigures[], settings: ReleaseAnalysisSettings): string[] {
  const failed: string[] = [];
  for (const f of figures) {
    if (f.requests === 0) {
      failed.push(`${f.service}: no requests seen by Prometheus, so it cannot be judged`);
      continue;
    }
    if (f.errorRatio > settings.maxErrorRatio) {
      failed.push(
        `${f.service}: 5xx ratio ${percent(f.errorRatio)} (${f.errors} of ${f.requests}) > ${percent(settings.maxErrorRatio)}`,
      );
    }
    if (f.p99Seconds !== null && f.p99Seconds > settings.maxP99Seconds) {
      failed.push(`${f.service}: p99 ${seconds(f.p99Seconds)} > ${seconds(settings.maxP99Seconds)}`);
    }
  }
  return failed;
}

/** One service's figures against the thresholds, for the step log. */
export function describeFigures(f: ServiceFigures, settings: ReleaseAnalysisSettings): string {
  const p99 = f.p99Seconds === null ? "n/a" : seconds(f.p99Seconds);
  return (
    `${f.service}: ${f.requests} requests, 5xx ${percent(f.errorRatio)} (max ${percent(settings.maxErrorRatio)}), ` +
    `p99 ${p99} (max ${seconds(settings.maxP99Seconds)})`
  );
}

/** Throws AnalysisBreach when any figure is outside the thresholds. */
export function judge(colour: Colour, figures: ServiceFigures[], settings: ReleaseAnalysisSettings): void {
  const failed = breaches(figures, settings);
  if (failed.length > 0) throw new AnalysisBreach(colour, failed);
}

/**
 * Waits until Prometheus holds a sample taken after `after` from every service of the colour seen in the
 * last 5 minutes (so the window's last requests are counted, and a service whose scrapes fail is waited
 * for rather than left out). Returns those services and the time of the newest of those samples.
 */
async function waitForScrapeAfter(
  prom: PrometheusApi,
  colour: Colour,
  after: number,
  { timeoutMs = freshnessTimeoutMs, pollMs = 500 }: { timeoutMs?: number; pollMs?: number },
): Promise<{ services: string[]; at: number }> {
  const build = `moon_build_info{colour="${colour}"}`;
  const services = (await prom.query(`count by (service) (count_over_time(${build}[5m]))`))
    .map((s) => s.labels.service ?? "?")
    .sort();
  if (services.length === 0) {
    throw new Error(`Prometheus has no series with colour="${colour}": is it scraping the ${colour} services?`);
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const latest = new Map(
      (await prom.query(`max by (service) (timestamp(${build}))`)).map((s) => [s.labels.service ?? "?", s.value]),
    );
    const behind = services.filter((service) => !((latest.get(service) ?? 0) >= after));
    if (behind.length === 0) return { services, at: Math.max(...latest.values()) };
    if (Date.now() > deadline) {
      throw new Error(`Prometheus has not scraped ${colour} ${behind.join(", ")} for ${timeoutMs / 1000}s`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(2)}%`;
const seconds = (value: number) => `${value.toFixed(3)}s`;
