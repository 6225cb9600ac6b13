import { startTestCluster } from "../test/support/cluster.ts";
import { barsPath, barsRange } from "../test/support/http.ts";
import { ADMIN_TOKEN, TOKEN_ENV } from "../test/support/ops.ts";

const MB = 1024 ** 2;

interface Memory {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
}

/** The instance's own process.memoryUsage(), as its admin health reports it. */
const memoryOf = async (url: string): Promise<Memory> => {
  const res = await fetch(`${url}/ops/health`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return ((await res.json()) as { memory: Memory }).memory;
};

interface Proc {
  readonly threads: number;
  /** rss that is the process's own (heap, stacks, malloc). */
  readonly anon: number;
  /** rss that maps files: the node binary and libraries, shared with every Node process. */
  readonly file: number;
}

/** Per-thread rss beyond the main one is not split out by Node: count the threads. */
const procOf = async (pid: number | undefined): Promise<Proc | undefined> => {
  if (pid === undefined) return undefined;
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  const threads = kb("Threads");
  if (Number.isNaN(threads)) return undefined;
  return { threads, anon: (kb("RssAnon") * 1024) / MB, file: (kb("RssFile") * 1024) / MB };
};

/**
 * One instance's memory: idle after boot, then at the cache profile's load (a stampede of
 * 50 concurrent requests on each of 3 new keys, then 2,000 HITs 10 at a time), against
 * the 150 MB rss target (issue 17 #5). Heap figures are V8's; rss is the whole process
 * (worker threads, Buffers, code).
 */
export const benchInstanceMemory = async (): Promise<void> => {
  const cluster = await startTestCluster("bench-memory", { instances: 1, env: TOKEN_ENV });
  try {
    const url = cluster.instanceUrl("i1");
    const pid = cluster.supervisor.pid("i1");
    await new Promise((r) => setTimeout(r, 3_000)); // boot work settles
    const idle = await memoryOf(url);
    const idleProc = await procOf(pid);
    let peak = idle;
    const sample = async () => {
      const m = await memoryOf(url);
      if (m.rss > peak.rss) peak = m;
    };
    for (const hour of [14, 15, 16]) {
      const path = barsPath(barsRange(10, hour, 60));
      await Promise.all(
        Array.from({ length: 50 }, () => fetch(url + path).then((r) => r.arrayBuffer())),
      );
      await sample();
    }
    const path = barsPath(barsRange(10, 14, 60));
    for (let i = 0; i < 200; i++) {
      await Promise.all(
        Array.from({ length: 10 }, () => fetch(url + path).then((r) => r.arrayBuffer())),
      );
      if (i % 20 === 0) await sample();
    }
    await sample();
    const after = await memoryOf(url);
    const afterProc = await procOf(pid);
    const row = (name: string, m: Memory) =>
      `${name.padEnd(44)}${(m.rss / MB).toFixed(1).padStart(9)}${(m.heapUsed / MB).toFixed(1).padStart(11)}${(m.heapTotal / MB).toFixed(1).padStart(12)}${`${(m.rss / (150 * MB)).toFixed(2)}x`.padStart(12)}`;
    console.log("\nInstance memory (one instance, MB; the target is rss <= 150 MB)");
    console.log(
      `${"".padEnd(44)}${"rss".padStart(9)}${"heap used".padStart(11)}${"heap total".padStart(12)}${"vs target".padStart(12)}`,
    );
    console.log(row("idle, 3 s after boot", idle));
    console.log(row("cache profile's load: peak rss sampled", peak));
    console.log(row("right after it", after));
    const split = (name: string, p: Proc | undefined) => {
      if (p)
        console.log(
          `  ${name}: rss ${p.anon.toFixed(1)} anonymous + ${p.file.toFixed(1)} file-backed; ${p.threads} threads`,
        );
    };
    split("idle", idleProc);
    split("right after the load", afterProc);
  } finally {
    await cluster.close();
  }
};
