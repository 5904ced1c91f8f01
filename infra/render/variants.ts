import type { RenderOptions } from "./render.js";

/**
 * The renders that together produce every kind of object and field the program can create: each
 * target in both colours, HTTPS with cert-manager, notification delivery, a PostgreSQL warehouse, monitoring
 * on a local cluster, and alert receivers.
 */
export const renderVariants: { label: string; options: RenderOptions }[] = [
  ...["local", "eks", "doks"].flatMap((stack) =>
    ["blue", "green"].map((colour) => ({
      label: `${stack} ${colour}`,
      options: { stack, set: { activeColor: colour } },
    })),
  ),
  {
    label: "local HTTPS",
    options: { stack: "local", set: { domain: "moon.example.com", certIssuer: "letsencrypt" } },
  },
  {
    label: "local notification delivery",
    options: {
      stack: "local",
      set: { notifyWebhookUrl: "https://hooks.example.com/moon", smtpUrl: "smtp://mail.example.com:587" },
    },
  },
  { label: "doks pg warehouse", options: { stack: "doks", set: { "doks.warehouse.engine": "pg" } } },
  { label: "local monitoring", options: { stack: "local", set: { "monitoring.enabled": "true" } } },
  {
    label: "eks alert receivers",
    options: {
      stack: "eks",
      set: {
        alertWebhookUrl: "https://hooks.example.com/alerts",
        alertSmtpPassword: "render-variant-password",
        "monitoring.alertEmail.to": "oncall@example.com",
        "monitoring.alertEmail.from": "alerts@example.com",
        "monitoring.alertEmail.smarthost": "smtp.example.com:587",
        "monitoring.alertEmail.username": "alerts@example.com",
      },
    },
  },
];
