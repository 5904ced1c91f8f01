import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { LocalSettings, StackConfig } from "../config.js";
import { grafanaPodLabels } from "../k8s/monitoring/install.js";
import { installMetricsServer } from "./metrics-server.js";
import type { Platform, SqlWarehouseReader } from "./platform.js";
import {
  clients,
  mysqlReaderScript,
  readerLabels,
  readerScript,
  readerUser,
  warehouseReaderGrants,
} from "./warehouse-reader.js";

const mysqlPort = 3306;
const mysqlLabels = { "app.kubernetes.io/name": "mysql", "app.kubernetes.io/part-of": "moon-agent-tracker" };
// The official image's `mysql` user; running as it lets the entrypoint skip its root-only steps.
const mysqlUid = 999;

/**
 * An existing cluster (kind, minikube, k3d) from a kubeconfig context, with MySQL running in it: one
 * StatefulSet holding both the application database and the warehouse database.
 */
export class LocalPlatform extends pulumi.ComponentResource {
  readonly platform: Platform;

  constructor(name: string, cfg: StackConfig, opts?: pulumi.ComponentResourceOptions) {
    super("moon:platform:Local", name, {}, opts);
    // The schema requires the section (and its context) when the target is local.
    const settings = cfg.local as LocalSettings;
    const provider = new k8s.Provider(
      "local",
      // Named, never the current context: `up` or `destroy -s local` must not reach another cluster.
      // The context also identifies the cluster, so a kubeconfig change does not replace every object.
      { context: settings.context, clusterIdentifier: settings.context },
      { parent: this },
    );
    const k8sOpts = { parent: this, provider };
    // HPAs scale on metrics-server's figures; kind ships none (minikube has it as an add-on).
    const metricsServer = settings.metricsServer
      ? [installMetricsServer({ kubeletCertificates: "self-signed" }, k8sOpts)]
      : [];

    const namespace = new k8s.core.v1.Namespace(
      "data",
      {
        metadata: {
          name: `${cfg.namespace}-data`,
          labels: {
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
          },
        },
      },
      k8sOpts,
    );
    const ns = namespace.metadata.name;

    const rootPassword = new random.RandomPassword("mysql-root", { length: 32, special: false }, { parent: this });
    const appPassword = new random.RandomPassword("mysql-app", { length: 32, special: false }, { parent: this });
    // The provider marks `result` secret only through the engine; say so here so every consumer sees it.
    const password = pulumi.secret(appPassword.result);

    const credentials = new k8s.core.v1.Secret(
      "mysql",
      {
        metadata: { name: "mysql", namespace: ns, labels: mysqlLabels },
        stringData: {
          MYSQL_ROOT_PASSWORD: pulumi.secret(rootPassword.result),
          MYSQL_USER: cfg.database.user,
          MYSQL_PASSWORD: password,
          MYSQL_DATABASE: cfg.database.name,
        },
      },
      k8sOpts,
    );
    // First start only: the warehouse is a second database on the same server, owned by the app user.
    const init = new k8s.core.v1.ConfigMap(
      "mysql-init",
      {
        metadata: { name: "mysql-init", namespace: ns, labels: mysqlLabels },
        data: {
          "10-warehouse.sql": [
            `CREATE DATABASE IF NOT EXISTS \`${cfg.warehouse.name}\`;`,
            `GRANT ALL PRIVILEGES ON \`${cfg.warehouse.name}\`.* TO '${cfg.database.user}'@'%';`,
            "",
          ].join("\n"),
        },
      },
      k8sOpts,
    );

    const service = new k8s.core.v1.Service(
      "mysql",
      {
        metadata: { name: "mysql", namespace: ns, labels: mysqlLabels },
        spec: {
          clusterIP: "None",
          selector: mysqlLabels,
          ports: [{ name: "mysql", port: mysqlPort, targetPort: "mysql" }],
        },
      },
      k8sOpts,
    );

    const probe = { exec: { command: ["sh", "-c", 'mysqladmin ping -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD"'] } };
    const statefulSet = new k8s.apps.v1.StatefulSet(
      "mysql",
      {
        metadata: { name: "mysql", namespace: ns, labels: mysqlLabels },
        spec: {
          serviceName: service.metadata.name,
          replicas: 1,
          selector: { matchLabels: mysqlLabels },
          template: {
            metadata: { labels: mysqlLabels },
            spec: {
              automountServiceAccountToken: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: mysqlUid,
                runAsGroup: mysqlUid,
                fsGroup: mysqlUid,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "mysql",
                  image: settings.mysqlImage,
                  ports: [{ name: "mysql", containerPort: mysqlPort }],
                  envFrom: [{ secretRef: { name: credentials.metadata.name } }],
                  resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                  startupProbe: { ...probe, periodSeconds: 5, failureThreshold: 60 },
                  livenessProbe: { ...probe, periodSeconds: 20, timeoutSeconds: 5 },
                  readinessProbe: {
                    exec: { command: ["sh", "-c", 'mysql -h 127.0.0.1 -uroot -p"$MYSQL_ROOT_PASSWORD" -e "SELECT 1"'] },
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                  },
                  volumeMounts: [
                    { name: "data", mountPath: "/var/lib/mysql" },
                    { name: "run", mountPath: "/var/run/mysqld" },
                    { name: "tmp", mountPath: "/tmp" },
                    { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: "run", emptyDir: {} },
                { name: "tmp", emptyDir: {} },
                { name: "init", configMap: { name: init.metadata.name } },
              ],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data" },
              spec: {
                accessModes: ["ReadWriteOnce"],
                storageClassName: settings.storageClass,
                resources: { requests: { storage: settings.storageSize } },
              },
            },
          ],
        },
      },
      k8sOpts,
    );

    // Grafana's read-only user (only when monitoring is on): created by a one-shot Job as root, beside
    // the server. The init script above runs only on a first start; the Job also reaches existing data.
    const host = pulumi.interpolate`${service.metadata.name}.${ns}.svc.cluster.local`;
    const grafana = cfg.monitoring.enabled
      ? { namespace: cfg.monitoring.namespace, podLabels: grafanaPodLabels }
      : undefined;
    let reader: { facts: SqlWarehouseReader; job: k8s.batch.v1.Job } | undefined;
    if (grafana) {
      const readerPassword = pulumi.secret(
        new random.RandomPassword("mysql-reader", { length: 32, special: false }, { parent: this }).result,
      );
      const job = warehouseReaderGrants(
        {
          namespace: ns,
          ...clients.mysql(settings.mysqlImage),
          command: ["mysql", "--host=$(DB_HOST)", "--user=root", `--execute=source ${readerScript}`],
          env: { DB_HOST: host, MYSQL_PWD: pulumi.secret(rootPassword.result) },
          script: readerPassword.apply((password) => mysqlReaderScript(cfg.warehouse.name, password)),
        },
        { ...k8sOpts, dependsOn: [statefulSet] },
      );
      reader = {
        facts: {
          engine: "mysql",
          host,
          port: mysqlPort,
          database: cfg.warehouse.name,
          user: readerUser,
          password: readerPassword,
          // MySQL 8.4 signs its own certificate; over TLS its default password plugin needs no RSA exchange.
          tls: "skip-verify",
        },
        job,
      };
    }

    // Only the application namespace, and with monitoring Grafana and the reader's grant Job, may reach the server.
    const readers = grafana
      ? [
          {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": grafana.namespace } },
            podSelector: { matchLabels: grafana.podLabels },
          },
          { podSelector: { matchLabels: readerLabels } },
        ]
      : [];
    new k8s.networking.v1.NetworkPolicy(
      "mysql",
      {
        metadata: { name: "mysql", namespace: ns, labels: mysqlLabels },
        spec: {
          podSelector: { matchLabels: mysqlLabels },
          policyTypes: ["Ingress", "Egress"],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": cfg.namespace } } },
                ...readers,
              ],
              ports: [{ protocol: "TCP", port: mysqlPort }],
            },
          ],
          egress: [],
        },
      },
      k8sOpts,
    );

    const dataPods = { namespace: `${cfg.namespace}-data`, labels: mysqlLabels };
    this.platform = {
      target: "local",
      provider,
      database: {
        host,
        port: mysqlPort,
        name: cfg.database.name,
        user: cfg.database.user,
        password,
        sslMode: "disable",
        egress: { port: mysqlPort, pods: dataPods },
      },
      warehouse: {
        url: pulumi.secret(
          pulumi.interpolate`mysql://${cfg.database.user}:${password}@${host}:${mysqlPort}/${cfg.warehouse.name}`,
        ),
        egress: { port: mysqlPort, pods: dataPods },
        reader: reader?.facts,
      },
      // kind and minikube have no load balancer; reach the gateway with a port-forward (README).
      gateway: {
        serviceType: "ClusterIP",
        serviceAnnotations: {},
        url: "http://localhost:8080",
        installGatewayApiCrds: true,
      },
      dependsOn: [statefulSet, ...metricsServer, ...(reader ? [reader.job] : [])],
      outputs: { databaseHost: host },
    };
    this.registerOutputs({ databaseHost: host });
  }
}
