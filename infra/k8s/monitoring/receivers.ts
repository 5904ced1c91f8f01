import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../config.js";

const receiversSecret = "alert-receivers";
const receiverName = "moon";

export interface ReceiversArgs {
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  webhookUrl?: pulumi.Output<string>;
  email?: MonitoringSettings["alertEmail"];
  smtpPassword?: pulumi.Output<string>;
}

/**
 * Where Alertmanager sends this stack's alerts: an AlertmanagerConfig in the app's namespace (the
 * operator routes to it only alerts carrying that namespace, as every rule here does) whose credentials
 * stay in a Secret beside it. Nothing is created without a receiver: alerts then show only in Alertmanager.
 */
export function alertReceivers(args: ReceiversArgs, opts: pulumi.CustomResourceOptions): pulumi.Resource[] {
  if (!args.webhookUrl && !args.email) return [];
  const secretRef = (key: string) => ({ name: receiversSecret, key });

  const stringData: Record<string, pulumi.Input<string>> = {};
  if (args.webhookUrl) stringData["webhook-url"] = args.webhookUrl;
  if (args.smtpPassword) stringData["smtp-password"] = args.smtpPassword;
  const secret = new k8s.core.v1.Secret(
    receiversSecret,
    {
      metadata: { name: receiversSecret, namespace: args.namespace, labels: args.labels },
      stringData: pulumi.secret(stringData),
    },
    opts,
  );

  const email = args.email;
  const config = new k8s.apiextensions.CustomResource(
    "alert-receivers",
    {
      apiVersion: "monitoring.coreos.com/v1alpha1",
      kind: "AlertmanagerConfig",
      metadata: { name: receiverName, namespace: args.namespace, labels: args.labels },
      spec: {
        route: {
          receiver: receiverName,
          groupBy: ["alertname", "service", "colour", "channel"],
          groupWait: "30s",
          groupInterval: "5m",
          repeatInterval: "4h",
        },
        receivers: [
          {
            name: receiverName,
            ...(args.webhookUrl
              ? { webhookConfigs: [{ urlSecret: secretRef("webhook-url"), sendResolved: true }] }
              : {}),
            ...(email
              ? {
                  emailConfigs: [
                    {
                      to: email.to,
                      from: email.from,
                      smarthost: email.smarthost,
                      // STARTTLS is required; port 465 gets implicit TLS from Alertmanager itself.
                      requireTLS: true,
                      sendResolved: true,
                      ...(email.username
                        ? { authUsername: email.username, authPassword: secretRef("smtp-password") }
                        : {}),
                    },
                  ],
                }
              : {}),
          },
        ],
      },
    },
    { ...opts, dependsOn: [secret] },
  );
  return [secret, config];
}
