// The runtime contract between the programs (apps/), the Pulumi program (infra/) and the release tooling
// (stacks/): facts each side must agree on, written once. No imports, so infra and stacks take nothing
// of the apps' code or dependencies with it. docs/architecture.md describes the contract as a whole.

/** The HTTP services, the port each listens on (PORT's default) and the path prefixes the gateway routes to it. */
export const services = [
  { name: "agent", port: 8000, paths: ["/agents", "/products"] },
  { name: "sales", port: 8001, paths: ["/sales", "/targets"] },
  { name: "notification", port: 8002, paths: ["/notifications"] },
] as const;
export type ServiceName = (typeof services)[number]["name"];
export const serviceNames = services.map((s) => s.name) as ServiceName[];

export function servicePort(name: ServiceName): number {
  return services.find((s) => s.name === name)!.port;
}

/**
 * Paths every service answers for probes and scrapes (the `route` label of its HTTP metrics): not users'
 * traffic, so error ratios and latency leave them out, and request logs keep them at debug.
 */
export const operationalPaths = ["/health", "/ready", "/metrics"] as const;

/** The PromQL label matcher for users' traffic: every route but the operational paths. */
export const trafficRoutes = `route!~"${operationalPaths.join("|")}"`;

/** The two colours of a blue/green release; COLOUR in every program, `activeColor` in the stack config. */
export const colours = ["blue", "green"] as const;
export type Colour = (typeof colours)[number];
export const defaultColour: Colour = "blue";

export function isColour(value: unknown): value is Colour {
  return value === "blue" || value === "green";
}

export function otherColour(colour: Colour): Colour {
  return colour === "blue" ? "green" : "blue";
}

/**
 * The stack config key (and stack output) naming the live colour, and the output naming the idle one.
 * They keep their first spelling: committed stack files and every deployed stack's outputs hold it.
 */
export const activeColourKey = "activeColor";
export const idleColourOutput = "idleColor";

/** LOG_LEVEL values a deployment may set; programs also accept `silent` (tests). */
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
export const programLogLevels = [...logLevels, "silent"] as const;
export type LogLevel = (typeof programLogLevels)[number];

/** API_KEYS is `role:key,role:key`; each key at least this long. */
export const roles = ["admin", "integration", "viewer"] as const;
export type Role = (typeof roles)[number];
export const minApiKeyLength = 16;
const roleList = `${roles.slice(0, -1).join(", ")} or ${roles[roles.length - 1]}`;

export interface ApiKeyEntry {
  role: Role;
  key: string;
}

/**
 * Reads API_KEYS. Problems name the entry's position, never the key, so they are safe to print;
 * an empty list of problems means every entry is usable.
 */
export function readApiKeys(value: string): { entries: ApiKeyEntry[]; problems: string[] } {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  items.forEach((item, i) => {
    const at = item.indexOf(":");
    const role = item.slice(0, at) as Role;
    const key = item.slice(at + 1);
    if (at < 1 || !roles.includes(role)) problems.push(`entry ${i + 1} must be role:key with role ${roleList}`);
    else if (key.length < minApiKeyLength)
      problems.push(`entry ${i + 1} (${role}) has a key shorter than ${minApiKeyLength} characters`);
    else entries.push({ role, key });
  });
  if (items.length === 0) problems.push("must hold at least one role:key entry");
  return { entries, problems };
}

/** The key sales presents to the notification service: the first integration key, else the first admin key. */
export function notificationKeyOf(apiKeys: string): string | undefined {
  const { entries } = readApiKeys(apiKeys);
  return (entries.find((e) => e.role === "integration") ?? entries.find((e) => e.role === "admin"))?.key;
}

/** Where `npm run dev`, the tests and the benchmarks find the local database servers unless told otherwise. */
export const localMysqlServer = "mysql://root@127.0.0.1:3306";
export const localPostgresServer = "postgres://postgres@127.0.0.1:5432/postgres";
/** The application database `npm run dev` creates on the local server. */
export const localDatabaseUrl = `${localMysqlServer}/moon`;
