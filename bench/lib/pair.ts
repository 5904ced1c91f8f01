// The two sides of an HTTP benchmark: the minimal peer and the compiled service, each on its own freshly
// migrated database holding the same rows; both stopped and both databases dropped afterwards.
import { seedAgentData } from "../../apps/db/seed.js";
import { freshDatabase } from "../../test/databases.js";
import { type Child, countRequestLines, imageNodeOptions, type LoadResult, startChild, startPeer } from "./load.js";

export interface Pair {
  peer: Child;
  service: Child;
  serviceDbUrl: string;
  /** Prints the peer's first errors when any load on it failed requests (a broken baseline says why). */
  checkPeer(...loads: LoadResult[]): void;
  /** Stops the service; its peak RSS and the request lines it logged. */
  stopService(): Promise<{ rssMb: number; requestLines: number }>;
}

export interface PairOptions {
  path: "agent" | "sales";
  /** The bearer key both sides accept, and the service's role for it. */
  key: string;
  role: "viewer" | "integration";
  ports: { peer: number; service: number };
  /** Rows beyond the agent seed, added to both databases alike. */
  prepare?: (databaseUrl: string) => Promise<void>;
  serviceEnv?: Record<string, string>;
}

export async function withPeerAndService<T>(o: PairOptions, use: (pair: Pair) => Promise<T>): Promise<T> {
  const peerDb = await freshDatabase();
  const serviceDb = await freshDatabase();
  const running: Child[] = [];
  try {
    for (const db of [peerDb, serviceDb]) {
      await seedAgentData(db.handle);
      await db.handle.close();
      await o.prepare?.(db.url);
    }
    const peer = await startPeer(o.path, o.ports.peer, peerDb.url, o.key);
    running.push(peer);
    const service = await startChild(
      ["dist/apps/main.js", o.path],
      {
        PORT: String(o.ports.service),
        DATABASE_URL: serviceDb.url,
        API_KEYS: `${o.role}:${o.key}`,
        NODE_OPTIONS: imageNodeOptions(),
        ...o.serviceEnv,
      },
      undefined,
      true,
    );
    running.push(service);
    return await use({
      peer,
      service,
      serviceDbUrl: serviceDb.url,
      checkPeer(...loads) {
        if (loads.some((l) => l.non2xx + l.errors > 0))
          console.error(`the peer failed requests:\n${peer.stderrHead()}`);
      },
      async stopService() {
        const rssMb = service.peakRssMb();
        await service.stop();
        return { rssMb, requestLines: countRequestLines(service.logFile!) };
      },
    });
  } finally {
    for (const child of running) await child.stop();
    await peerDb.drop();
    await serviceDb.drop();
  }
}
