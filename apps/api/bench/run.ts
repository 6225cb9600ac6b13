import { startTestCluster } from "../test/support/cluster.ts";
import { barsPath } from "../test/support/http.ts";
import { benchBalancer, printBalancer } from "./balancer.ts";
import { benchHitLatency } from "./hitLatency.ts";
import { benchWakeLatency } from "./jobs.ts";
import { benchLoadEngine, printLoadEngine } from "./loadEngine.ts";
import { benchMemory } from "./memoryPower.ts";
import { printQueueThroughput } from "./queue.ts";
import { benchReleaseLatency } from "./releaseLatency.ts";
import { printTable } from "./stats.ts";

/**
 * `pnpm bench`: speed, measured side by side in one run on this machine (not asserted
 * in tests). Bounded: a fixed number of rounds against 127.0.0.1 only.
 */
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const release = await benchReleaseLatency(redisUrl, 200);
printTable("Cache wake-up (two cache clients, own connections each, real Redis)", [release]);
printLoadEngine(
  await benchLoadEngine({
    connections: [10, 50],
    seconds: 2,
    rounds: 7,
    rates: [500, 2_000],
    levelSeconds: 5,
  }),
);

const cluster = await startTestCluster("bench", { instances: 1 });
try {
  const path = barsPath({ start: "2013-10-08T13:30:00.000Z", end: "2013-10-08T20:00:00.000Z" });
  const rows = await benchHitLatency(cluster, path, 1_000);
  printTable("Bars HIT latency, sequential requests", rows, rows[0]?.name);
} finally {
  await cluster.close();
}

const pair = await startTestCluster("bench-balancer", { instances: 2 });
try {
  const path = barsPath({ start: "2013-10-09T13:30:00.000Z", end: "2013-10-09T20:00:00.000Z" });
  printBalancer(await benchBalancer(pair, path));
} finally {
  await pair.close();
}

await printQueueThroughput(20_000);
printTable(
  "Enqueue -> start latency (database timestamps), one idle worker",
  await benchWakeLatency(40, 500),
);
await benchMemory(); // quick memory soak: leak detection at 2 MB/min and false FAILs in 10 healthy runs
