import autocannon from "autocannon";
import type { TestCluster } from "../test/support/cluster.ts";

export interface LoadRow {
  readonly name: string;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
}

const CONNECTIONS = 50;

/** autocannon for `seconds`; every answer must be a 200 (a HIT) or the figure means nothing. */
const load = async (name: string, url: string, seconds: number): Promise<LoadRow> => {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0)
    throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { name, reqPerSec: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
};

/**
 * What the load balancer costs: one cached bars response (a HIT, served from Redis) with
 * 50 keep-alive connections, straight to one instance vs through HAProxy to the
 * cluster's instances. Interleaved rounds, after a warm-up of each.
 */
export const benchBalancer = async (
  cluster: TestCluster,
  path: string,
  seconds = 5,
  rounds = 2,
): Promise<LoadRow[]> => {
  const direct = cluster.instanceUrl("i1") + path;
  const balanced = cluster.url + path;
  const warm = await fetch(balanced);
  await warm.arrayBuffer();
  if (!warm.ok) throw new Error(`warm-up failed: ${warm.status}`);
  await load("warm-up", direct, 2);
  await load("warm-up", balanced, 2);
  const rows: LoadRow[] = [];
  for (let i = 1; i <= rounds; i++) {
    rows.push(await load(`direct to one instance (round ${i})`, direct, seconds));
    rows.push(await load(`through HAProxy (round ${i})`, balanced, seconds));
  }
  return rows;
};

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export const printBalancer = (rows: readonly LoadRow[]): void => {
  console.log(
    `\nLoad balancer cost: cached bars response, ${CONNECTIONS} connections (autocannon)`,
  );
  console.log(
    `${"".padEnd(36)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}`,
  );
  for (const r of rows)
    console.log(
      `${r.name.padEnd(36)}${r.reqPerSec.toFixed(0).padStart(9)}${String(r.p50).padStart(9)}${String(r.p99).padStart(9)}`,
    );
  const of = (prefix: string) => rows.filter((r) => r.name.startsWith(prefix));
  const [d, b] = [of("direct"), of("through")];
  const p50 = mean(b.map((r) => r.p50)) / mean(d.map((r) => r.p50));
  const rate = mean(b.map((r) => r.reqPerSec)) / mean(d.map((r) => r.reqPerSec));
  console.log(
    `through HAProxy vs direct: p50 x${p50.toFixed(2)} (target <= 1.5), throughput x${rate.toFixed(2)} (target >= 0.7)`,
  );
};
