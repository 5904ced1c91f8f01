// The operations dashboard's panels as PromQL over the metric names the services expose (README,
// monitoring) and kube-state-metrics. Every query filters by the `$colour` variable; per-service panels
// also by `$service` (their row repeats per service). `${active_colour}` is the colour the program
// routes traffic to, baked in at deploy time: a flip is a deploy, so the dashboard follows it.
import { trafficRoutes } from "../../contract/index.js";
import { variable } from "./grafana.js";

export interface PromPanel {
  key: string;
  title: string;
  description: string;
  viz: "timeseries" | "stat" | "table";
  unit?: string;
  queries: Array<{ expr: string; legend: string }>;
  /**
   * Series this panel must show after traffic with the services alone (the tests check it against a
   * real Prometheus); false for kube-state-metrics series, which need a cluster.
   */
  dataFromServices: boolean;
}

export interface PromSection {
  title: string;
  /** Repeat the row (and its panels) for each value of this variable. */
  repeat?: string;
  panels: PromPanel[];
}

const svc = 'service="$service", colour=~"$colour"';
/** Deployments and HPAs are named <service>-<colour>. */
const workload = (label: string) => `namespace="$namespace", ${label}=~"$service-($colour)"`;

const quantile = (q: number) =>
  `histogram_quantile(${q}, sum by (colour, le) (rate(http_request_duration_seconds_bucket{${svc}, ${trafficRoutes}}[5m])))`;

const overview: PromSection = {
  title: "Traffic",
  panels: [
    {
      key: "traffic.active",
      title: `Active colour (as deployed): ${variable("active_colour")}`,
      description:
        "The colour the Gateway routes to, from the program's activeColor at the last deploy (a flip is a deploy), and the requests per second it takes.",
      viz: "stat",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (colour) (rate(http_requests_total{colour="\${active_colour}", colour=~"$colour", ${trafficRoutes}}[5m]))`,
          legend: "{{colour}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "traffic.byColour",
      title: "Requests per second by colour (measured)",
      description: "Which colour takes the traffic, as the services count it (probes and scrapes left out).",
      viz: "timeseries",
      unit: "reqps",
      queries: [
        {
          expr: `sum by (colour) (rate(http_requests_total{colour=~"$colour", ${trafficRoutes}}[5m]))`,
          legend: "{{colour}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "traffic.builds",
      title: "Running builds",
      description: "Each service's version per colour, and how many processes run it.",
      viz: "table",
      queries: [
        {
          expr: 'count by (service, colour, version, node_version) (moon_build_info{colour=~"$colour"})',
          legend: "{{service}} {{colour}} {{version}}",
        },
      ],
      dataFromServices: true,
    },
  ],
};

const perService: PromSection = {
  title: "Service: $service",
  repeat: "service",
  panels: [
    {
      key: "service.requests",
      title: "Request rate, blue and green",
      description: "Requests per second per colour (probes and scrapes left out).",
      viz: "timeseries",
      unit: "reqps",
      queries: [
        { expr: `sum by (colour) (rate(http_requests_total{${svc}, ${trafficRoutes}}[5m]))`, legend: "{{colour}}" },
      ],
      dataFromServices: true,
    },
    {
      key: "service.errors",
      title: "Server-error ratio",
      description: "Share of requests answered 5xx per colour (the SLO: 99.5 % succeed).",
      viz: "timeseries",
      unit: "percentunit",
      queries: [
        {
          // "or … * 0": a colour without errors shows 0, not an empty panel.
          expr: `(sum by (colour) (rate(http_requests_total{${svc}, status=~"5.."}[5m])) or sum by (colour) (rate(http_requests_total{${svc}}[5m])) * 0) / sum by (colour) (rate(http_requests_total{${svc}}[5m]))`,
          legend: "{{colour}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "service.latency",
      title: "Latency p50 / p95 / p99",
      description: "Request duration quantiles per colour.",
      viz: "timeseries",
      unit: "s",
      queries: [
        { expr: quantile(0.5), legend: "p50 {{colour}}" },
        { expr: quantile(0.95), legend: "p95 {{colour}}" },
        { expr: quantile(0.99), legend: "p99 {{colour}}" },
      ],
      dataFromServices: true,
    },
    {
      key: "service.replicas",
      title: "Replicas and HPA",
      description: "Available replicas per colour, what the HPA wants and its ceiling (kube-state-metrics).",
      viz: "timeseries",
      queries: [
        {
          expr: `sum by (deployment) (kube_deployment_status_replicas_available{${workload("deployment")}})`,
          legend: "available {{deployment}}",
        },
        {
          expr: `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_desired_replicas{${workload("horizontalpodautoscaler")}})`,
          legend: "desired {{horizontalpodautoscaler}}",
        },
        {
          expr: `max by (horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${workload("horizontalpodautoscaler")}})`,
          legend: "max {{horizontalpodautoscaler}}",
        },
      ],
      dataFromServices: false,
    },
    {
      key: "service.pool",
      title: "Database pool",
      description: "Connections in use, waiters and the configured size, summed over each colour's replicas.",
      viz: "timeseries",
      queries: [
        { expr: `sum by (colour) (moon_db_pool_connections{${svc}, state="in_use"})`, legend: "in use {{colour}}" },
        { expr: `sum by (colour) (moon_db_pool_waiters{${svc}})`, legend: "waiting {{colour}}" },
        { expr: `sum by (colour) (moon_db_pool_size{${svc}})`, legend: "size {{colour}}" },
      ],
      dataFromServices: true,
    },
    {
      key: "service.databaseUp",
      title: "Database reachable",
      description: "1 when every replica of the colour last found its database ready, 0 when one did not.",
      viz: "stat",
      queries: [{ expr: `min by (colour) (moon_database_up{${svc}})`, legend: "{{colour}}" }],
      dataFromServices: true,
    },
  ],
};

const sales: PromSection = {
  title: "Sales and target alerts",
  panels: [
    {
      key: "sales.recorded",
      title: "Sales recorded per second",
      description: "Sales stored, by colour and path (single or batch).",
      viz: "timeseries",
      unit: "ops",
      queries: [
        {
          expr: 'sum by (colour, path) (rate(moon_sales_recorded_total{colour=~"$colour"}[5m]))',
          legend: "{{colour}} {{path}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "sales.refused",
      title: "Sales refused per second",
      description: "Sales refused, by colour and reason.",
      viz: "timeseries",
      unit: "ops",
      queries: [
        {
          expr: 'sum by (colour, reason) (rate(moon_sales_refused_total{colour=~"$colour"}[5m]))',
          legend: "{{colour}} {{reason}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "sales.alertsRaised",
      title: "Target alerts raised (last hour)",
      description: "Alerts raised by type, in the last hour.",
      viz: "timeseries",
      queries: [
        {
          expr: 'sum by (type) (increase(moon_target_alerts_raised_total{colour=~"$colour"}[1h]))',
          legend: "{{type}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "sales.outbox",
      title: "Alert outbox: backlog and oldest age",
      description:
        "Alerts not yet handed to the notification service, the age of the oldest, and the evaluator's lag (database-wide: max over replicas).",
      viz: "timeseries",
      queries: [
        { expr: 'max(moon_target_outbox_pending{colour=~"$colour"})', legend: "backlog" },
        { expr: 'max(moon_target_outbox_oldest_age_seconds{colour=~"$colour"})', legend: "oldest age (s)" },
        { expr: 'max(moon_target_evaluator_lag_seconds{colour=~"$colour"})', legend: "evaluator lag (s)" },
      ],
      dataFromServices: true,
    },
  ],
};

const notifications: PromSection = {
  title: "Notifications",
  panels: [
    {
      key: "notifications.deliveries",
      title: "Deliveries by channel: delivered / retried / failed",
      description: "Delivery attempts per second by channel and outcome (failed: given up, status FAILED).",
      viz: "timeseries",
      unit: "ops",
      queries: [
        {
          expr: 'sum by (channel, outcome) (rate(moon_notification_deliveries_total{colour=~"$colour"}[5m]))',
          legend: "{{channel}} {{outcome}}",
        },
      ],
      dataFromServices: true,
    },
    {
      key: "notifications.pending",
      title: "Notifications pending",
      description: "Notifications waiting for delivery (database-wide: max over replicas).",
      viz: "timeseries",
      queries: [{ expr: 'max(moon_notifications_pending{colour=~"$colour"})', legend: "pending" }],
      dataFromServices: true,
    },
  ],
};

const aggregator: PromSection = {
  title: "Aggregator",
  panels: [
    {
      key: "aggregator.lastSuccess",
      title: "Aggregator: time since its last successful run",
      description:
        "Seconds since the CronJob last succeeded (kube-state-metrics). The job runs the active colour's image: shown when that colour is selected.",
      viz: "stat",
      unit: "s",
      queries: [
        {
          // The CronJob has no colour label: give it the active colour's, and keep it when that colour is selected.
          expr: `label_replace(time() - max(kube_cronjob_status_last_successful_time{namespace="$namespace", cronjob="aggregator"}), "colour", "\${active_colour}", "", "") and on (colour) group by (colour) (moon_build_info{colour=~"$colour"})`,
          legend: "since last success",
        },
      ],
      dataFromServices: false,
    },
  ],
};

export const operationsSections: PromSection[] = [overview, perService, sales, notifications, aggregator];
