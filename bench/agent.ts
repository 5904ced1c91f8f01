// GET /agents/{code} on the real agent service (auth, validation, a MySQL read, request log at the
// default level, metrics; the image's NODE_OPTIONS) against the minimal peer (bench/peer.ts: node:http,
// a mysql2 pool of 10, a bearer check, the same keyed SELECT), on two freshly migrated databases
// holding the same rows, loaded with wrk in alternating rounds.
// Goals: throughput >= 0.75 of the peer's, p99 <= 1.5x the peer's, service RSS < 120 MB.
import { seedAgentData } from "../apps/db/seed.js";
import { freshDatabase } from "../test/databases.js";
import {
  alternate,
  countRequestLines,
  imageNodeOptions,
  peerComparison,
  report,
  requireWrk,
  roundFlags,
  startChild,
  startPeer,
} from "./lib/load.js";

export async function run(args: string[]): Promise<void> {
  requireWrk();
  const { rounds, seconds, warmupSeconds } = roundFlags(args);
  const key = "bench-viewer-key-000000000000";
  const peerDb = await freshDatabase();
  const serviceDb = await freshDatabase();
  const running: Array<{ stop(): Promise<void> }> = [];
  try {
    for (const db of [peerDb, serviceDb]) {
      await seedAgentData(db.handle);
      await db.handle.close();
    }
    const peer = await startPeer("agent", 18100, peerDb.url, key);
    running.push(peer);
    const service = await startChild(
      ["dist/apps/main.js", "agent"],
      { PORT: "18000", DATABASE_URL: serviceDb.url, API_KEYS: `viewer:${key}`, NODE_OPTIONS: imageNodeOptions() },
      undefined,
      true,
    );
    running.push(service);

    const target = (port: number) => ({
      url: `http://127.0.0.1:${port}/agents/AGT004`,
      headers: { authorization: `Bearer ${key}` },
      durationSeconds: seconds,
    });
    const r = await alternate({ rounds, warmupSeconds }, target(18100), target(18000));
    if (r.peer.non2xx + r.peer.errors > 0) console.error(`the peer failed requests:\n${peer.stderrHead()}`);
    const rss = service.peakRssMb();
    await service.stop();
    const logged = countRequestLines(service.logFile!);

    report(
      `GET /agents/{code}, 50 connections, ${rounds} alternating rounds of ${seconds}s after ${warmupSeconds}s of warm-up each`,
      [
        ...peerComparison(r),
        ["service request log lines / requests", `${logged} / ${r.serviceWarmRequests + r.service.total}`],
        ["service peak RSS MB", `${rss} (goal < 120; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
      ],
    );
  } finally {
    for (const child of running) await child.stop();
    await peerDb.drop();
    await serviceDb.drop();
  }
}
