// The project's alert rules, as one PrometheusRule in the app's namespace. The groups come from one
// function, `alertRuleGroups`, which the tests also write to a rules file for promtool (README:
// "Alerts and runbooks" has one section per alert, which each alert's runbook_url points to).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { trafficRoutes } from "../../../contract/index.js";
import { aggregatorCronJob } from "../aggregator.js";
import { cronMaxIntervalSeconds } from "./cron.js";

/** 99.5 % of each service's requests (per colour) succeed: the error budget is 0.5 %. */
export const slo = { objective: "99.5%", errorBudget: "0.005" } as const;

/**
 * Multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs", table 5-8): each fires
 * while both windows burn the budget `factor` times faster than the SLO allows; the short window
 * lets it resolve soon after the errors stop. 14.4x for 1 h and 6x for 6 h spend 2 % and 5 % of a
 * 30-day budget (page); 1x for 3 days spends 10 % (ticket).
 */
export const burnRates = [
  { alert: "MoonErrorBudgetBurnFast", long: "1h", short: "5m", factor: 14.4, severity: "critical", for: "2m" },
  { alert: "MoonErrorBudgetBurnSteady", long: "6h", short: "30m", factor: 6, severity: "critical", for: "15m" },
  { alert: "MoonErrorBudgetBurnSlow", long: "3d", short: "6h", factor: 1, severity: "warning", for: "1h" },
] as const;

/** Thresholds of the queue and backlog alerts (README: "Alerts and runbooks" says why each). */
export const thresholds = {
  outboxPending: 1000,
  oldestAlertSeconds: 600,
  evaluatorLagSeconds: 300,
  /** Share of a channel's delivery attempts that failed (retried or given up). */
  deliveryFailureRatio: 0.1,
} as const;

/**
 * The kube-state-metrics series the rules read, all STABLE in kube-state-metrics v2.20.0 (the version
 * kube-prometheus-stack 88.5.3 ships, chart kube-state-metrics 8.4.0), documented in its
 * docs/metrics/workload/{pod,horizontalpodautoscaler,cronjob,job}-metrics.md.
 */
export const kubeStateMetricsSeries = [
  "kube_pod_status_ready",
  "kube_pod_status_phase",
  "kube_pod_owner",
  "kube_horizontalpodautoscaler_status_current_replicas",
  "kube_horizontalpodautoscaler_spec_max_replicas",
  "kube_cronjob_created",
  "kube_cronjob_status_last_successful_time",
  "kube_job_owner",
  "kube_job_status_start_time",
  "kube_job_failed",
];

export type Severity = "critical" | "warning" | "info";

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity; namespace: string };
  annotations: { summary: string; description: string; runbook_url: string };
}
export interface RecordingRule {
  record: string;
  expr: string;
}
export interface RuleGroup {
  name: string;
  rules: (AlertRule | RecordingRule)[];
}

export interface AlertRulesOptions {
  /** The app's namespace: every series the rules read is selected by it. */
  namespace: string;
  /** The aggregator CronJob's schedule: "no recent success" means none within twice its longest interval. */
  aggregatorSchedule: string;
  /** runbook_url is `<runbookBaseUrl>#<alert name in lower case>`. */
  runbookBaseUrl: string;
  /** p99 latency above this alerts; the release analysis holds a colour to the same figure. */
  maxP99Seconds: number;
}

/** Recording rules: the 5xx share of each service and colour per window, and its p99 latency. */
const errorRatioRecord = (window: string) => `service_colour:http_server_errors:ratio_rate${window}`;
const p99Record = "service_colour:http_request_duration_seconds:p99_rate5m";

export function alertRuleGroups(o: AlertRulesOptions): RuleGroup[] {
  const scoped = (metric: string, ...matchers: string[]) =>
    `${metric}{${[`namespace="${o.namespace}"`, ...matchers].join(", ")}}`;
  const alert = (
    name: string,
    severity: Severity,
    hold: string,
    expr: string,
    summary: string,
    description: string,
  ): AlertRule => ({
    alert: name,
    expr,
    for: hold,
    // The namespace label routes the alert to the AlertmanagerConfig beside the rules (receivers.ts).
    labels: { severity, namespace: o.namespace },
    annotations: { summary, description, runbook_url: `${o.runbookBaseUrl}#${name.toLowerCase()}` },
  });
  const byServiceColour = "by (namespace, service, colour)";
  const serviceColour = "{{ $labels.service }} {{ $labels.colour }}";

  const windows = [...new Set(burnRates.flatMap((b) => [b.short, b.long]))];
  const http: RuleGroup = {
    name: "moon-http",
    rules: [
      ...windows.map(
        (w): RecordingRule => ({
          record: errorRatioRecord(w),
          expr: `sum ${byServiceColour} (rate(${scoped("http_requests_total", trafficRoutes, 'status=~"5.."')}[${w}]))
/
sum ${byServiceColour} (rate(${scoped("http_requests_total", trafficRoutes)}[${w}]))`,
        }),
      ),
      {
        record: p99Record,
        expr: `histogram_quantile(0.99, sum by (namespace, service, colour, le) (rate(${scoped("http_request_duration_seconds_bucket", trafficRoutes)}[5m])))`,
      },
      ...burnRates.map((b) => {
        const over = `(${b.factor} * ${slo.errorBudget})`;
        return alert(
          b.alert,
          b.severity,
          b.for,
          `${scoped(errorRatioRecord(b.long))} > ${over}\nand\n${scoped(errorRatioRecord(b.short))} > ${over}`,
          `${serviceColour} is spending its error budget ${b.factor}x too fast`,
          `{{ $value | humanizePercentage }} of ${serviceColour}'s requests answered 5xx over the last ${b.long} (and still over the last ${b.short}); the SLO (${slo.objective} succeed) allows ${Number(slo.errorBudget) * 100} %. At this rate the 30-day error budget lasts ${budgetDays(b.factor)}.`,
        );
      }),
      alert(
        "MoonLatencyP99High",
        "warning",
        "10m",
        `${scoped(p99Record)} > ${o.maxP99Seconds}`,
        `${serviceColour} answers slowly: p99 {{ $value | humanizeDuration }}`,
        `The slowest 1 % of ${serviceColour}'s requests took more than {{ $value | humanizeDuration }} over the last 5 minutes (threshold ${o.maxP99Seconds} s, the release analysis's maxP99Seconds).`,
      ),
    ],
  };

  const pods: RuleGroup = {
    name: "moon-pods",
    rules: [
      alert(
        "MoonPodNotReady",
        "warning",
        "10m",
        // Job pods end not ready, and evicted pods linger in phase Failed: only live pods of Deployments and StatefulSets count.
        `max by (namespace, pod) (${scoped("kube_pod_status_ready", 'condition="true"')}) == 0
and on (namespace, pod)
max by (namespace, pod) (${scoped("kube_pod_status_phase", 'phase=~"Pending|Running"')}) == 1
and on (namespace, pod)
max by (namespace, pod) (${scoped("kube_pod_owner", 'owner_kind!="Job"')})`,
        "Pod {{ $labels.pod }} has not been ready for 10 minutes",
        "Pod {{ $labels.namespace }}/{{ $labels.pod }} is pending or failing its readiness probe (/ready: the database answers); the Service sends it no traffic.",
      ),
      alert(
        "MoonHpaAtMaximum",
        "warning",
        "15m",
        `max by (namespace, horizontalpodautoscaler) (${scoped("kube_horizontalpodautoscaler_status_current_replicas")})
>=
max by (namespace, horizontalpodautoscaler) (${scoped("kube_horizontalpodautoscaler_spec_max_replicas")})`,
        "HPA {{ $labels.horizontalpodautoscaler }} has run at its maximum for 15 minutes",
        "{{ $labels.horizontalpodautoscaler }} runs {{ $value }} replicas, its maxReplicas: it cannot add capacity, so more load shows up as latency and 503s.",
      ),
      alert(
        "MoonDatabaseUnreachable",
        "critical",
        "3m",
        // Per service and colour; min(): one replica that cannot reach the database is enough.
        `min ${byServiceColour} (${scoped("moon_database_up")}) == 0`,
        `${serviceColour} cannot reach its database`,
        `A replica of ${serviceColour} has failed its database check (/ready answers 503) for 3 minutes; requests that need the database answer 503.`,
      ),
    ],
  };

  // The database gauges mean the same on every replica and colour (one database): max() over them, per service.
  const dbGauge = (metric: string) => `max by (namespace, service) (${scoped(metric)})`;
  const targets: RuleGroup = {
    name: "moon-targets",
    rules: [
      alert(
        "MoonTargetOutboxBacklog",
        "warning",
        "15m",
        `${dbGauge("moon_target_outbox_pending")} > ${thresholds.outboxPending}`,
        "{{ $value }} target alerts are waiting to be handed to the notification service",
        `More than ${thresholds.outboxPending} target alerts have been waiting in sales' outbox for 15 minutes: the relay cannot hand them to the notification service fast enough, or at all.`,
      ),
      alert(
        "MoonTargetAlertsDelayed",
        "warning",
        "5m",
        `${dbGauge("moon_target_outbox_oldest_age_seconds")} > ${thresholds.oldestAlertSeconds}`,
        "The oldest undelivered target alert is {{ $value | humanizeDuration }} old",
        `A target alert raised more than ${thresholds.oldestAlertSeconds / 60} minutes ago has still not been handed to the notification service: agents hear of their targets late.`,
      ),
      alert(
        "MoonTargetEvaluatorLag",
        "warning",
        "10m",
        `${dbGauge("moon_target_evaluator_lag_seconds")} > ${thresholds.evaluatorLagSeconds}`,
        "Target progress is {{ $value | humanizeDuration }} behind the sales recorded",
        `The oldest progress event the evaluator has not folded is more than ${thresholds.evaluatorLagSeconds / 60} minutes old: target progress and alerts lag behind sales.`,
      ),
      alert(
        "MoonTargetEventsSetAside",
        "warning",
        "1m",
        `${dbGauge("moon_target_events_set_aside")} > 0`,
        "{{ $value }} progress events were set aside: their amounts are missing from target progress",
        "The evaluator set aside progress events the database refused to fold (poison events). Until an operator deals with them, the targets they belong to under-count.",
      ),
    ],
  };

  const byChannel = "by (namespace, service, colour, channel)";
  const deliveries = (...matchers: string[]) => scoped("moon_notification_deliveries_total", ...matchers);
  const notifications: RuleGroup = {
    name: "moon-notifications",
    rules: [
      alert(
        "MoonNotificationDeliveryFailing",
        "warning",
        "10m",
        `sum ${byChannel} (rate(${deliveries('outcome=~"retried|failed"')}[15m]))
/
sum ${byChannel} (rate(${deliveries()}[15m]))
> ${thresholds.deliveryFailureRatio}`,
        "{{ $labels.channel }} deliveries from {{ $labels.service }} {{ $labels.colour }} are failing",
        `{{ $value | humanizePercentage }} of delivery attempts on the {{ $labels.channel }} channel failed over the last 15 minutes (threshold ${thresholds.deliveryFailureRatio * 100} %); they are retried with backoff, then given up.`,
      ),
      alert(
        "MoonNotificationsGivenUp",
        "warning",
        "1m",
        `sum ${byChannel} (increase(${deliveries('outcome="failed"')}[15m])) > 0`,
        "Notifications on the {{ $labels.channel }} channel were given up (FAILED)",
        '{{ printf "%.0f" $value }} notifications on the {{ $labels.channel }} channel ran out of retries in the last 15 minutes and are FAILED: their recipients were not told.',
      ),
    ],
  };

  const period = cronMaxIntervalSeconds(o.aggregatorSchedule);
  const cronjob = `cronjob="${aggregatorCronJob}"`;
  const lastSuccess = scoped("kube_cronjob_status_last_successful_time", cronjob);
  // Each Job the CronJob started, valued at its start time, with the CronJob's name as owner_name.
  const runs = `(${scoped("kube_job_status_start_time")} * on (namespace, job_name) group_left (owner_name) ${scoped("kube_job_owner", 'owner_kind="CronJob"', `owner_name="${aggregatorCronJob}"`)})`;
  const aggregator: RuleGroup = {
    name: "moon-aggregator",
    rules: [
      alert(
        "MoonAggregatorNoRecentSuccess",
        "warning",
        "5m",
        // A CronJob that never succeeded has no last successful time: then its age counts instead.
        `time() - max by (namespace, cronjob) (${lastSuccess}) > ${2 * period}
or
(time() - max by (namespace, cronjob) (${scoped("kube_cronjob_created", cronjob)}) > ${2 * period} unless on (namespace, cronjob) ${lastSuccess})`,
        "The aggregator has not succeeded for {{ $value | humanizeDuration }}",
        `The KPI aggregator (schedule "${o.aggregatorSchedule}", at most ${period / 60} minutes between runs) has had no successful run in twice that: the KPI tables and dashboards are stale.`,
      ),
      alert(
        "MoonAggregatorRunFailed",
        "warning",
        "1m",
        // Only the latest run: a failure followed by a newer run resolves (the alert above catches repeated failures).
        `max by (namespace, job_name) (
  (${runs} and on (namespace, job_name) (${scoped("kube_job_failed", 'condition="true"')} == 1))
  == on (namespace, owner_name) group_left ()
  max by (namespace, owner_name) ${runs}
)`,
        "The latest aggregator run {{ $labels.job_name }} failed",
        "Job {{ $labels.job_name }}, the aggregator's latest run, failed (every retry of its pod exited non-zero or it ran out of time); its pods' logs say why.",
      ),
    ],
  };

  return [http, pods, targets, notifications, aggregator];
}

/** How long a 30-day budget lasts at `factor` times the allowed rate, in words. */
function budgetDays(factor: number): string {
  const days = 30 / factor;
  return days >= 2 ? `${Math.round(days)} days` : `${Math.round(days * 24)} hours`;
}

export const isAlert = (rule: AlertRule | RecordingRule): rule is AlertRule => "alert" in rule;

export interface AlertRulesArgs {
  namespace: pulumi.Input<string>;
  /** Labels of the object: the part-of label and what an existing Prometheus selects rules by. */
  labels: Record<string, string>;
  rules: AlertRulesOptions;
}

/** The PrometheusRule holding every group; the operator loads it into Prometheus. */
export function alertRules(args: AlertRulesArgs, opts: pulumi.CustomResourceOptions) {
  return new k8s.apiextensions.CustomResource(
    "alert-rules",
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: "moon-alerts",
        namespace: args.namespace,
        labels: args.labels,
      },
      spec: { groups: alertRuleGroups(args.rules) },
    },
    opts,
  );
}
