// The alert rules, written to a rules file from the same function the program renders the
// PrometheusRule with, checked and unit-tested by the real promtool: for every alert, series that
// must fire it (with its labels and annotations) and series that must not.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type AlertRule, type AlertRulesOptions, alertRuleGroups, isAlert } from "./rules.js";

const options: AlertRulesOptions = {
  namespace: "moon",
  aggregatorSchedule: "*/5 * * * *",
  runbookBaseUrl: "https://example.com/moon/README.md",
  maxP99Seconds: 1,
};
const groups = alertRuleGroups(options);
const rules = groups.flatMap((g) => g.rules);
const alerts = rules.filter(isAlert);

const dir = mkdtempSync(join(tmpdir(), "moon-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rulesYaml = (g = groups) => stringify({ groups: g }, { lineWidth: 0 });

function promtool(...args: string[]): { ok: boolean; output: string } {
  const run = spawnSync("promtool", args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  if (run.error) throw run.error;
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

// ---- Input series -------------------------------------------------------------------------------

type Labels = Record<string, string>;
/** A series in the app's namespace unless `labels` says otherwise. */
const series = (name: string, labels: Labels) =>
  `${name}{${Object.entries({ namespace: "moon", ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
/** kube-state-metrics' own target labels: the rules must not pass them on (its `service` is not ours). */
const ksm = { job: "kube-state-metrics", service: "kube-state-metrics", instance: "10.0.3.7:8080" };
const pod = (service: string, colour: string, name = "a") => ({
  service,
  colour,
  version: "1.4.0",
  pod: `${service}-${colour}-5d8f-${name}`,
  instance: `10.0.1.${name.charCodeAt(0)}:8000`,
});
/** Counter values rising by `perMinute` each minute for `minutes` minutes. */
const rising = (perMinute: number, minutes: number) => `0+${perMinute}x${minutes}`;
const flat = (value: number | string, minutes: number) => `${value}x${minutes}`;

/** Requests per minute of one service and colour on a user route, `errorsPerMinute` of them 5xx. */
function traffic(service: string, colour: string, okPerMinute: number, errorsPerMinute: number, minutes: number) {
  const labels = { ...pod(service, colour), method: "POST", route: "/sales" };
  return {
    [series("http_requests_total", { ...labels, status: "201" })]: rising(okPerMinute, minutes),
    [series("http_requests_total", { ...labels, status: "503" })]: rising(errorsPerMinute, minutes),
  };
}

// ---- Cases --------------------------------------------------------------------------------------

interface Fired {
  labels: Labels;
  summary: string;
  description: string;
}
interface Case {
  name: string;
  alert: string;
  input: Record<string, string>;
  at: string;
  /** The alerts firing at `at`; empty: it must not fire. */
  fires: Fired[];
}

const sloNote = "the SLO (99.5% succeed) allows 0.5 %.";
const cases: Case[] = [
  {
    name: "10 % errors for an hour burns the budget 20x: the fast page fires",
    alert: "MoonErrorBudgetBurnFast",
    input: traffic("sales", "blue", 90, 10, 90),
    at: "70m",
    fires: [
      {
        labels: { severity: "critical", namespace: "moon", service: "sales", colour: "blue" },
        summary: "sales blue is spending its error budget 14.4x too fast",
        description: `10% of sales blue's requests answered 5xx over the last 1h (and still over the last 5m); ${sloNote} At this rate the 30-day error budget lasts 2 days.`,
      },
    ],
  },
  {
    name: "an outage of 5 minutes that ended 20 minutes ago: the 1 h window still burns, the 5 m window has reset",
    alert: "MoonErrorBudgetBurnFast",
    input: {
      [series("http_requests_total", {
        ...pod("agent", "green"),
        method: "GET",
        route: "/agents",
        status: "200",
      })]: `${rising(100, 40)} 4000x5 4100+100x20`,
      [series("http_requests_total", {
        ...pod("agent", "green"),
        method: "GET",
        route: "/agents",
        status: "500",
      })]: `${flat(0, 40)} 100+100x4 500x20`,
    },
    at: "65m",
    fires: [],
  },
  {
    name: "5 % errors is under 14.4x: no fast page",
    alert: "MoonErrorBudgetBurnFast",
    input: traffic("sales", "blue", 95, 5, 90),
    at: "70m",
    fires: [],
  },
  {
    name: "a failing /ready (503s on the probe route) and another namespace's errors are not this SLO",
    alert: "MoonErrorBudgetBurnFast",
    input: {
      ...traffic("sales", "blue", 100, 0, 90),
      [series("http_requests_total", { ...pod("sales", "blue"), method: "GET", route: "/ready", status: "503" })]:
        rising(50, 90),
      [series("http_requests_total", { ...pod("sales", "blue"), namespace: "other", route: "/sales", status: "500" })]:
        rising(50, 90),
    },
    at: "70m",
    fires: [],
  },
  {
    name: "5 % errors for 40 minutes burns it 10x: the steady page fires",
    alert: "MoonErrorBudgetBurnSteady",
    input: traffic("notification", "green", 95, 5, 60),
    at: "40m",
    fires: [
      {
        labels: { severity: "critical", namespace: "moon", service: "notification", colour: "green" },
        summary: "notification green is spending its error budget 6x too fast",
        description: `5% of notification green's requests answered 5xx over the last 6h (and still over the last 30m); ${sloNote} At this rate the 30-day error budget lasts 5 days.`,
      },
    ],
  },
  {
    name: "2 % errors is under 6x: no steady page",
    alert: "MoonErrorBudgetBurnSteady",
    input: traffic("notification", "green", 98, 2, 60),
    at: "40m",
    fires: [],
  },
  {
    name: "2 % errors for two hours is 4x the budget: a ticket",
    alert: "MoonErrorBudgetBurnSlow",
    input: traffic("agent", "blue", 98, 2, 150),
    at: "2h",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "agent", colour: "blue" },
        summary: "agent blue is spending its error budget 1x too fast",
        description: `2% of agent blue's requests answered 5xx over the last 3d (and still over the last 6h); ${sloNote} At this rate the 30-day error budget lasts 30 days.`,
      },
    ],
  },
  {
    name: "0.3 % errors stays within the budget",
    alert: "MoonErrorBudgetBurnSlow",
    input: traffic("agent", "blue", 997, 3, 150),
    at: "2h",
    fires: [],
  },
  (() => {
    // Every request between 1 and 2.5 s: the p99 interpolates to 2.485 s.
    const labels = { ...pod("sales", "green"), method: "POST", route: "/sales", status: "201" };
    const bucket = (le: string) => series("http_request_duration_seconds_bucket", { ...labels, le });
    return {
      name: "p99 above the release analysis's threshold for 10 minutes",
      alert: "MoonLatencyP99High",
      input: {
        [bucket("0.5")]: flat(0, 30),
        [bucket("1")]: flat(0, 30),
        [bucket("2.5")]: rising(10, 30),
        [bucket("+Inf")]: rising(10, 30),
      },
      at: "20m",
      fires: [
        {
          labels: { severity: "warning", namespace: "moon", service: "sales", colour: "green" },
          summary: "sales green answers slowly: p99 2.485s",
          description:
            "The slowest 1 % of sales green's requests took more than 2.485s over the last 5 minutes (threshold 1 s, the release analysis's maxP99Seconds).",
        },
      ],
    };
  })(),
  (() => {
    const user = { ...pod("sales", "green"), method: "POST", route: "/sales", status: "201" };
    const scrape = { ...pod("sales", "green"), method: "GET", route: "/metrics", status: "200" };
    const bucket = (labels: Labels, le: string) => series("http_request_duration_seconds_bucket", { ...labels, le });
    return {
      name: "fast user requests, slow scrapes of /metrics: no latency alert",
      alert: "MoonLatencyP99High",
      input: {
        [bucket(user, "0.05")]: rising(100, 30),
        [bucket(user, "+Inf")]: rising(100, 30),
        [bucket(scrape, "0.05")]: flat(0, 30),
        [bucket(scrape, "+Inf")]: rising(10, 30),
      },
      at: "20m",
      fires: [],
    };
  })(),
  {
    name: "a Deployment's pod not ready for 10 minutes",
    alert: "MoonPodNotReady",
    input: {
      [series("kube_pod_status_ready", { ...ksm, pod: "sales-blue-5d8f-a", condition: "true" })]: flat(0, 20),
      [series("kube_pod_status_ready", { ...ksm, pod: "sales-blue-5d8f-a", condition: "false" })]: flat(1, 20),
      [series("kube_pod_status_phase", { ...ksm, pod: "sales-blue-5d8f-a", phase: "Running" })]: flat(1, 20),
      [series("kube_pod_owner", { ...ksm, pod: "sales-blue-5d8f-a", owner_kind: "ReplicaSet", owner_name: "x" })]: flat(
        1,
        20,
      ),
    },
    at: "12m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", pod: "sales-blue-5d8f-a" },
        summary: "Pod sales-blue-5d8f-a has not been ready for 10 minutes",
        description:
          "Pod moon/sales-blue-5d8f-a is pending or failing its readiness probe (/ready: the database answers); the Service sends it no traffic.",
      },
    ],
  },
  {
    name: "a finished aggregator pod, a pod ready again after 5 minutes, another namespace's pod: none alert",
    alert: "MoonPodNotReady",
    input: {
      [series("kube_pod_status_ready", { ...ksm, pod: "aggregator-2900-x", condition: "true" })]: flat(0, 20),
      [series("kube_pod_status_phase", { ...ksm, pod: "aggregator-2900-x", phase: "Succeeded" })]: flat(1, 20),
      [series("kube_pod_owner", {
        ...ksm,
        pod: "aggregator-2900-x",
        owner_kind: "Job",
        owner_name: "aggregator-2900",
      })]: flat(1, 20),
      [series("kube_pod_status_ready", {
        ...ksm,
        pod: "agent-blue-5d8f-b",
        condition: "true",
      })]: `${flat(0, 5)} ${flat(1, 14)}`,
      [series("kube_pod_status_phase", { ...ksm, pod: "agent-blue-5d8f-b", phase: "Running" })]: flat(1, 20),
      [series("kube_pod_owner", { ...ksm, pod: "agent-blue-5d8f-b", owner_kind: "ReplicaSet", owner_name: "y" })]: flat(
        1,
        20,
      ),
      [series("kube_pod_status_ready", { ...ksm, namespace: "other", pod: "p", condition: "true" })]: flat(0, 20),
      [series("kube_pod_status_phase", { ...ksm, namespace: "other", pod: "p", phase: "Running" })]: flat(1, 20),
      [series("kube_pod_owner", { ...ksm, namespace: "other", pod: "p", owner_kind: "ReplicaSet" })]: flat(1, 20),
    },
    at: "12m",
    fires: [],
  },
  {
    name: "an HPA at its maximum for 15 minutes",
    alert: "MoonHpaAtMaximum",
    input: {
      [series("kube_horizontalpodautoscaler_status_current_replicas", {
        ...ksm,
        horizontalpodautoscaler: "sales-blue",
      })]: flat(6, 20),
      [series("kube_horizontalpodautoscaler_spec_max_replicas", { ...ksm, horizontalpodautoscaler: "sales-blue" })]:
        flat(6, 20),
    },
    at: "16m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", horizontalpodautoscaler: "sales-blue" },
        summary: "HPA sales-blue has run at its maximum for 15 minutes",
        description:
          "sales-blue runs 6 replicas, its maxReplicas: it cannot add capacity, so more load shows up as latency and 503s.",
      },
    ],
  },
  {
    name: "an HPA below its maximum, or at it for only 10 minutes",
    alert: "MoonHpaAtMaximum",
    input: {
      [series("kube_horizontalpodautoscaler_status_current_replicas", {
        ...ksm,
        horizontalpodautoscaler: "sales-blue",
      })]: flat(4, 20),
      [series("kube_horizontalpodautoscaler_spec_max_replicas", { ...ksm, horizontalpodautoscaler: "sales-blue" })]:
        flat(6, 20),
      [series("kube_horizontalpodautoscaler_status_current_replicas", {
        ...ksm,
        horizontalpodautoscaler: "agent-blue",
      })]: `${flat(3, 5)} ${flat(6, 9)} ${flat(4, 5)}`,
      [series("kube_horizontalpodautoscaler_spec_max_replicas", { ...ksm, horizontalpodautoscaler: "agent-blue" })]:
        flat(6, 20),
    },
    at: "16m",
    fires: [],
  },
  {
    name: "one of two replicas cannot reach the database: one alert for the service and colour",
    alert: "MoonDatabaseUnreachable",
    input: {
      [series("moon_database_up", pod("sales", "blue", "a"))]: flat(1, 10),
      [series("moon_database_up", pod("sales", "blue", "b"))]: flat(0, 10),
      [series("moon_database_up", pod("sales", "green", "a"))]: flat(1, 10),
    },
    at: "5m",
    fires: [
      {
        labels: { severity: "critical", namespace: "moon", service: "sales", colour: "blue" },
        summary: "sales blue cannot reach its database",
        description:
          "A replica of sales blue has failed its database check (/ready answers 503) for 3 minutes; requests that need the database answer 503.",
      },
    ],
  },
  {
    name: "a database blip of 2 minutes",
    alert: "MoonDatabaseUnreachable",
    input: { [series("moon_database_up", pod("agent", "blue"))]: `1 0 0 1 1 1 1 1 1 1` },
    at: "5m",
    fires: [],
  },
  {
    name: "a backlog of 1500 seen by three sales pods of both colours: one alert",
    alert: "MoonTargetOutboxBacklog",
    input: {
      [series("moon_target_outbox_pending", pod("sales", "blue", "a"))]: flat(1500, 20),
      [series("moon_target_outbox_pending", pod("sales", "blue", "b"))]: flat(1500, 20),
      [series("moon_target_outbox_pending", pod("sales", "green", "a"))]: flat(1500, 20),
    },
    at: "16m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "sales" },
        summary: "1500 target alerts are waiting to be handed to the notification service",
        description:
          "More than 1000 target alerts have been waiting in sales' outbox for 15 minutes: the relay cannot hand them to the notification service fast enough, or at all.",
      },
    ],
  },
  {
    name: "a backlog of 800",
    alert: "MoonTargetOutboxBacklog",
    input: { [series("moon_target_outbox_pending", pod("sales", "blue"))]: flat(800, 20) },
    at: "16m",
    fires: [],
  },
  {
    name: "the oldest undelivered alert ages past 10 minutes",
    alert: "MoonTargetAlertsDelayed",
    input: { [series("moon_target_outbox_oldest_age_seconds", pod("sales", "blue"))]: "700+60x10" },
    at: "6m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "sales" },
        summary: "The oldest undelivered target alert is 17m 40s old",
        description:
          "A target alert raised more than 10 minutes ago has still not been handed to the notification service: agents hear of their targets late.",
      },
    ],
  },
  {
    name: "alerts handed over within seconds, and a database that cannot be read (NaN)",
    alert: "MoonTargetAlertsDelayed",
    input: {
      [series("moon_target_outbox_oldest_age_seconds", pod("sales", "blue"))]: "0 3 0 12 0 0 5 0 0 0 0",
      [series("moon_target_outbox_oldest_age_seconds", pod("sales", "green"))]: Array(11).fill("NaN").join(" "),
    },
    at: "6m",
    fires: [],
  },
  {
    name: "the evaluator 400 s behind for 10 minutes",
    alert: "MoonTargetEvaluatorLag",
    input: { [series("moon_target_evaluator_lag_seconds", pod("sales", "green"))]: flat(400, 15) },
    at: "11m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "sales" },
        summary: "Target progress is 6m 40s behind the sales recorded",
        description:
          "The oldest progress event the evaluator has not folded is more than 5 minutes old: target progress and alerts lag behind sales.",
      },
    ],
  },
  {
    name: "the evaluator 100 s behind",
    alert: "MoonTargetEvaluatorLag",
    input: { [series("moon_target_evaluator_lag_seconds", pod("sales", "green"))]: flat(100, 15) },
    at: "11m",
    fires: [],
  },
  {
    name: "two events set aside",
    alert: "MoonTargetEventsSetAside",
    input: {
      [series("moon_target_events_set_aside", pod("sales", "blue"))]: flat(2, 5),
      [series("moon_target_events_set_aside", pod("sales", "green"))]: flat(2, 5),
    },
    at: "2m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "sales" },
        summary: "2 progress events were set aside: their amounts are missing from target progress",
        description:
          "The evaluator set aside progress events the database refused to fold (poison events). Until an operator deals with them, the targets they belong to under-count.",
      },
    ],
  },
  {
    name: "none set aside, or unknown while the database cannot be read",
    alert: "MoonTargetEventsSetAside",
    input: {
      [series("moon_target_events_set_aside", pod("sales", "blue"))]: flat(0, 5),
      [series("moon_target_events_set_aside", pod("sales", "green"))]: "NaN NaN NaN NaN NaN NaN",
    },
    at: "2m",
    fires: [],
  },
  (() => {
    const attempts = (channel: string, outcome: string) =>
      series("moon_notification_deliveries_total", { ...pod("notification", "blue"), channel, outcome });
    return {
      name: "a fifth of webhook attempts fail; email is healthy: only webhook alerts",
      alert: "MoonNotificationDeliveryFailing",
      input: {
        [attempts("webhook", "delivered")]: rising(8, 30),
        [attempts("webhook", "retried")]: rising(2, 30),
        [attempts("webhook", "failed")]: flat(0, 30),
        [attempts("email", "delivered")]: rising(10, 30),
        [attempts("email", "retried")]: flat(0, 30),
        [attempts("email", "failed")]: flat(0, 30),
      },
      at: "20m",
      fires: [
        {
          labels: {
            severity: "warning",
            namespace: "moon",
            service: "notification",
            colour: "blue",
            channel: "webhook",
          },
          summary: "webhook deliveries from notification blue are failing",
          description:
            "20% of delivery attempts on the webhook channel failed over the last 15 minutes (threshold 10 %); they are retried with backoff, then given up.",
        },
      ],
    };
  })(),
  (() => {
    const attempts = (outcome: string) =>
      series("moon_notification_deliveries_total", { ...pod("notification", "blue"), channel: "email", outcome });
    return {
      name: "one attempt in twenty retried, and a channel with no attempts at all",
      alert: "MoonNotificationDeliveryFailing",
      input: {
        [attempts("delivered")]: rising(19, 30),
        [attempts("retried")]: rising(1, 30),
        [series("moon_notification_deliveries_total", {
          ...pod("notification", "blue"),
          channel: "log",
          outcome: "failed",
        })]: flat(0, 30),
      },
      at: "20m",
      fires: [],
    };
  })(),
  {
    name: "an email notification given up",
    alert: "MoonNotificationsGivenUp",
    input: {
      [series("moon_notification_deliveries_total", {
        ...pod("notification", "green"),
        channel: "email",
        outcome: "failed",
      })]: `${flat(0, 4)} ${flat(1, 10)}`,
    },
    at: "7m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", service: "notification", colour: "green", channel: "email" },
        summary: "Notifications on the email channel were given up (FAILED)",
        description:
          "1 notifications on the email channel ran out of retries in the last 15 minutes and are FAILED: their recipients were not told.",
      },
    ],
  },
  {
    name: "retries that have not given up",
    alert: "MoonNotificationsGivenUp",
    input: {
      [series("moon_notification_deliveries_total", {
        ...pod("notification", "green"),
        channel: "email",
        outcome: "retried",
      })]: rising(3, 15),
      [series("moon_notification_deliveries_total", {
        ...pod("notification", "green"),
        channel: "email",
        outcome: "failed",
      })]: flat(0, 15),
    },
    at: "7m",
    fires: [],
  },
  {
    name: "the last success 17 minutes ago, with runs every 5 minutes",
    alert: "MoonAggregatorNoRecentSuccess",
    input: {
      [series("kube_cronjob_created", { ...ksm, cronjob: "aggregator" })]: flat(0, 40),
      [series("kube_cronjob_status_last_successful_time", {
        ...ksm,
        cronjob: "aggregator",
      })]: `${flat(0, 4)} ${flat(300, 4)} ${flat(600, 30)}`,
    },
    at: "27m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", cronjob: "aggregator" },
        summary: "The aggregator has not succeeded for 17m 0s",
        description:
          'The KPI aggregator (schedule "*/5 * * * *", at most 5 minutes between runs) has had no successful run in twice that: the KPI tables and dashboards are stale.',
      },
    ],
  },
  {
    name: "a CronJob created 17 minutes ago that never succeeded",
    alert: "MoonAggregatorNoRecentSuccess",
    input: { [series("kube_cronjob_created", { ...ksm, cronjob: "aggregator" })]: flat(0, 20) },
    at: "17m",
    fires: [
      {
        labels: { severity: "warning", namespace: "moon", cronjob: "aggregator" },
        summary: "The aggregator has not succeeded for 17m 0s",
        description:
          'The KPI aggregator (schedule "*/5 * * * *", at most 5 minutes between runs) has had no successful run in twice that: the KPI tables and dashboards are stale.',
      },
    ],
  },
  {
    name: "a success every 5 minutes, and another namespace's stuck aggregator",
    alert: "MoonAggregatorNoRecentSuccess",
    input: {
      [series("kube_cronjob_created", { ...ksm, cronjob: "aggregator" })]: flat(0, 40),
      [series("kube_cronjob_status_last_successful_time", { ...ksm, cronjob: "aggregator" })]: Array.from(
        { length: 41 },
        (_, minute) => Math.floor(minute / 5) * 300,
      ).join(" "),
      [series("kube_cronjob_created", { ...ksm, namespace: "other", cronjob: "aggregator" })]: flat(0, 40),
    },
    at: "35m",
    fires: [],
  },
  ...(() => {
    const job = (name: string, start: number, failed: 0 | 1, owner = "aggregator") => ({
      [series("kube_job_owner", {
        ...ksm,
        job_name: name,
        owner_kind: "CronJob",
        owner_name: owner,
        owner_is_controller: "true",
      })]: flat(1, 20),
      [series("kube_job_status_start_time", { ...ksm, job_name: name })]: flat(start, 20),
      [series("kube_job_failed", { ...ksm, job_name: name, condition: "true" })]: flat(failed, 20),
      [series("kube_job_failed", { ...ksm, job_name: name, condition: "false" })]: flat(1 - failed, 20),
    });
    return [
      {
        name: "the latest run failed",
        alert: "MoonAggregatorRunFailed",
        input: { ...job("aggregator-29000000", 0, 0), ...job("aggregator-29000005", 300, 1) },
        at: "2m",
        fires: [
          {
            labels: { severity: "warning", namespace: "moon", job_name: "aggregator-29000005" },
            summary: "The latest aggregator run aggregator-29000005 failed",
            description:
              "Job aggregator-29000005, the aggregator's latest run, failed (every retry of its pod exited non-zero or it ran out of time); its pods' logs say why.",
          },
        ],
      },
      {
        name: "a failed run followed by a newer one, and another CronJob's failed run",
        alert: "MoonAggregatorRunFailed",
        input: {
          ...job("aggregator-29000005", 300, 1),
          ...job("aggregator-29000010", 600, 0),
          ...job("cleanup-29000010", 600, 1, "cleanup"),
        },
        at: "2m",
        fires: [],
      },
    ];
  })(),
];

const runbookUrl = (alert: string) => `${options.runbookBaseUrl}#${alert.toLowerCase()}`;

function unitTests(selected: Case[]) {
  return stringify(
    {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: selected.map((c) => ({
        name: `${c.alert}: ${c.name}`,
        interval: "1m",
        input_series: Object.entries(c.input).map(([s, values]) => ({ series: s, values })),
        alert_rule_test: [
          {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.fires.map((f) => ({
              exp_labels: f.labels,
              exp_annotations: { summary: f.summary, description: f.description, runbook_url: runbookUrl(c.alert) },
            })),
          },
        ],
      })),
    },
    { lineWidth: 0 },
  );
}

describe("the alert rules", () => {
  it("pass promtool check rules", () => {
    writeFileSync(join(dir, "rules.yml"), rulesYaml());
    const check = promtool("check", "rules", "rules.yml");
    expect(check.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(check.ok).toBe(true);
    // And the check does refuse a broken expression.
    const [first, ...rest] = groups;
    writeFileSync(
      join(dir, "broken.yml"),
      rulesYaml([{ ...first!, rules: [{ record: "x", expr: "sum(rate(x[5m])" }] }, ...rest]),
    );
    expect(promtool("check", "rules", "broken.yml").ok).toBe(false);
  });

  it("have, for every alert, series that fire it and series that must not", () => {
    for (const a of alerts) {
      const mine = cases.filter((c) => c.alert === a.alert);
      expect(mine.filter((c) => c.fires.length > 0).length, `${a.alert} fires`).toBeGreaterThan(0);
      expect(mine.filter((c) => c.fires.length === 0).length, `${a.alert} stays quiet`).toBeGreaterThan(0);
    }
    expect(new Set(cases.map((c) => c.alert))).toEqual(new Set(alerts.map((a) => a.alert)));
  });

  it("pass their promtool unit tests", () => {
    writeFileSync(join(dir, "rules.yml"), rulesYaml());
    writeFileSync(join(dir, "tests.yml"), unitTests(cases));
    const run = promtool("test", "rules", "tests.yml");
    expect(run.output).toContain("SUCCESS");
    expect(run.ok, run.output).toBe(true);
  });

  it("fail a unit test whose expectation is wrong (the tests can fail)", () => {
    writeFileSync(join(dir, "rules.yml"), rulesYaml());
    const [firing] = cases;
    const wrong = {
      ...firing!,
      fires: [{ ...firing!.fires[0]!, labels: { ...firing!.fires[0]!.labels, colour: "green" } }],
    };
    const quiet = { ...firing!, fires: [] };
    for (const c of [wrong, quiet]) {
      writeFileSync(join(dir, "wrong.yml"), unitTests([c]));
      const run = promtool("test", "rules", "wrong.yml");
      expect(run.ok).toBe(false);
      expect(run.output).toContain("FAILED");
    }
  });
});

describe("each alert", () => {
  it.each(alerts.map((a) => [a.alert, a] as const))("%s has a severity, a hold time and its runbook", (_, a) => {
    const rule = a as AlertRule;
    expect(["critical", "warning", "info"]).toContain(rule.labels.severity);
    expect(rule.for).toMatch(/^\d+[smh]$/);
    expect(rule.annotations.summary.length).toBeGreaterThan(10);
    expect(rule.annotations.description.length).toBeGreaterThan(20);
    expect(rule.annotations.runbook_url).toBe(`https://example.com/moon/README.md#${rule.alert.toLowerCase()}`);
    // The AlertmanagerConfig in the app's namespace routes only alerts carrying it.
    expect(rule.labels.namespace).toBe("moon");
  });

  it("reads only series of the app's namespace", () => {
    const selectors = rules.flatMap((r) => [...r.expr.matchAll(/[a-z_:]+\{([^}]*)\}/g)].map((m) => m[1]!));
    expect(selectors.length).toBeGreaterThan(20);
    for (const s of selectors) expect(s).toMatch(/^namespace="moon"/);
  });

  it("waits twice the aggregator's longest interval for a success", () => {
    const threshold = (schedule: string) => {
      const rule = alertRuleGroups({ ...options, aggregatorSchedule: schedule })
        .flatMap((g) => g.rules)
        .find((r) => isAlert(r) && r.alert === "MoonAggregatorNoRecentSuccess")!;
      return [...rule.expr.matchAll(/> (\d+)/g)].map((m) => Number(m[1]));
    };
    expect(threshold("*/5 * * * *")).toEqual([600, 600]);
    expect(threshold("@hourly")).toEqual([7200, 7200]);
    expect(threshold("0 6 * * 1-5")).toEqual([6 * 86_400, 6 * 86_400]);
    expect(() => threshold("0 6 * * MON-FRI")).toThrow(/day of week "MON-FRI"/);
  });
});

describe("the README's runbooks", () => {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const lines: string[] = [];
  let inCode = false;
  for (const line of readme.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    else if (!inCode) lines.push(line);
  }
  // GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
  const slug = (heading: string) =>
    heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
  const anchors = lines.flatMap((l) => /^#{1,6} (.+)$/.exec(l)?.[1] ?? []).map(slug);
  const tableRow = (alert: string) => lines.find((l) => l.startsWith(`| [\`${alert}\`](#`));

  it.each(alerts.map((a) => [a.alert, a] as const))("%s: one section its runbook_url lands on, and its row", (_, a) => {
    const anchor = a.annotations.runbook_url.split("#")[1];
    expect(anchors.filter((x) => x === anchor)).toHaveLength(1);
    expect(lines).toContain(`#### ${a.alert}`);
    const cells = tableRow(a.alert)
      ?.split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    expect(cells?.[0]).toBe(`[\`${a.alert}\`](#${anchor})`);
    expect(cells?.[1]).toBe(a.labels.severity);
    expect(cells?.[2]?.replace(" ", "")).toBe(a.for);
  });
});
