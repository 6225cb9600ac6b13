import { startTestCluster } from "../test/support/cluster.ts";
import { barsPath } from "../test/support/http.ts";
import { benchBalancer, printBalancer } from "./balancer.ts";
import { benchHitLatency, benchHitProfile, HIT_PATH, SUM_OF_PARTS } from "./hitLatency.ts";
import { benchInstanceMemory } from "./instanceMemory.ts";
import { benchWakeLatency } from "./jobs.ts";
import { benchLoadEngine, printLoadEngine } from "./loadEngine.ts";
import { benchMemory } from "./memoryPower.ts";
import { printQueueThroughput } from "./queue.ts";
import { benchWake } from "./releaseLatency.ts";
import { printTable } from "./stats.ts";
import { printWrites } from "./writes.ts";

/**
 * `pnpm bench`: speed, measured side by side in one run on this machine (not asserted
 * in tests). Bounded: a fixed number of rounds against 127.0.0.1 only.
 * `pnpm bench <block>...` runs only those blocks (names below).
 */
const blocks: Record<string, () => Promise<void>> = {
  wake: async () => {
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    const rows = await benchWake(redisUrl, 200);
    printTable(
      "Cache wake-up (two cache clients, own connections each, real Redis; 64 KB value; rows interleaved)",
      rows,
      rows[0]?.name,
    );
  },
  "load-engine": async () =>
    printLoadEngine(
      await benchLoadEngine({
        connections: [10, 50],
        // Many short rounds, alternating: 7 rounds of 2 s gave 0.74-1.02x at 10 connections
        // across four runs on a quiet 2 vCPU machine; 15 of 1 s gave 0.98 and 0.98.
        seconds: 1,
        rounds: 15,
        rates: [500, 2_000],
        levelSeconds: 5,
      }),
    ),
  hit: async () => {
    const cluster = await startTestCluster("bench", { instances: 1 });
    try {
      const rows = await benchHitLatency(cluster, HIT_PATH, 1_000);
      printTable("Bars HIT latency, sequential requests", rows, SUM_OF_PARTS);
    } finally {
      await cluster.close();
    }
  },
  // The same HITs with the instance under --cpu-prof: where its time goes (not a timing).
  "hit-profile": benchHitProfile,
  // One instance's rss and heap, idle and at the cache profile's load.
  "instance-memory": benchInstanceMemory,
  balancer: async () => {
    const pair = await startTestCluster("bench-balancer", { instances: 2 });
    try {
      const path = barsPath({ start: "2013-10-09T13:30:00.000Z", end: "2013-10-09T20:00:00.000Z" });
      printBalancer(await benchBalancer(pair, path));
    } finally {
      await pair.close();
    }
  },
  queue: async () => {
    await printQueueThroughput(20_000);
    printTable(
      "Enqueue -> start latency (database timestamps), one idle worker",
      await benchWakeLatency(40, 500),
    );
  },
  writes: printWrites, // snapshot ingest and uploads next to bare postgres.js COPY/insert
  memory: benchMemory, // quick memory soak: leak detection at 2 MB/min and false FAILs in 10 healthy runs
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in blocks));
if (unknown.length > 0) {
  console.error(
    `unknown bench block ${unknown.join(", ")}; blocks: ${Object.keys(blocks).join(", ")}`,
  );
  process.exit(2);
}
for (const [name, run] of Object.entries(blocks)) {
  if (asked.length === 0 || asked.includes(name)) await run();
}
