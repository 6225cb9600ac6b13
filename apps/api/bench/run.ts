import { startTestCluster } from "../test/support/cluster.ts";
import { barsPath } from "../test/support/http.ts";
import { benchBalancer, printBalancer } from "./balancer.ts";
import { benchHitLatency } from "./hitLatency.ts";
import { benchQueueThroughput, benchWakeLatency } from "./jobs.ts";
import { benchLoadEngine, printLoadEngine } from "./loadEngine.ts";
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

const throughput = await benchQueueThroughput(3_000);
console.log("\nJob queue: claim(batch 10) + heartbeat + fenced complete, real Postgres, same run");
console.log(
  `${"".padEnd(52)}${"jobs".padStart(6)}${"s".padStart(8)}${"jobs/s".padStart(9)}${"of ceiling".padStart(12)}`,
);
const ceiling = throughput[1] ? throughput[1].jobs / throughput[1].seconds : Number.NaN;
for (const t of throughput) {
  const rate = t.jobs / t.seconds;
  console.log(
    `${t.name.padEnd(52)}${String(t.jobs).padStart(6)}${t.seconds.toFixed(2).padStart(8)}${rate.toFixed(0).padStart(9)}${`${((rate / ceiling) * 100).toFixed(0)}%`.padStart(12)}`,
  );
}
printTable(
  "Enqueue -> start latency (database timestamps), one idle worker",
  await benchWakeLatency(40, 500),
);
