// GET /agents/{code} on the real agent service (auth, validation, a MySQL read, request log at the
// default level, metrics; the image's NODE_OPTIONS) against the minimal peer (bench/peer.ts: node:http,
// a mysql2 pool of 10, a bearer check, the same keyed SELECT), on two freshly migrated databases
// holding the same rows, loaded with wrk in alternating rounds.
// Goals: throughput >= 0.75 of the peer's, p99 <= 1.5x the peer's, service RSS < 120 MB.
import { alternate, imageNodeOptions, peerComparison, report, requireWrk, roundFlags } from "./lib/load.js";
import { withPeerAndService } from "./lib/pair.js";

export async function run(args: string[]): Promise<void> {
  requireWrk();
  const { rounds, seconds, warmupSeconds } = roundFlags(args);
  const key = "bench-viewer-key-000000000000";
  const ports = { peer: 18100, service: 18000 };
  await withPeerAndService({ path: "agent", key, role: "viewer", ports }, async (pair) => {
    const target = (port: number) => ({
      url: `http://127.0.0.1:${port}/agents/AGT004`,
      headers: { authorization: `Bearer ${key}` },
      durationSeconds: seconds,
    });
    const r = await alternate({ rounds, warmupSeconds }, target(ports.peer), target(ports.service));
    pair.checkPeer(r.peer);
    const { rssMb, requestLines } = await pair.stopService();

    report(
      `GET /agents/{code}, 50 connections, ${rounds} alternating rounds of ${seconds}s after ${warmupSeconds}s of warm-up each`,
      [
        ...peerComparison(r),
        ["service request log lines / requests", `${requestLines} / ${r.serviceWarmRequests + r.service.total}`],
        ["service peak RSS MB", `${rssMb} (goal < 120; NODE_OPTIONS as in the image: ${imageNodeOptions()})`],
      ],
    );
  });
}
