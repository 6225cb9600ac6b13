import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { startTestCluster, type TestCluster } from "../test/support/cluster.ts";
import { barsPath } from "../test/support/http.ts";
import { busiestProfile, monotonicUs, summariseProfile, type Window } from "./cpuProfile.ts";
import { type Summary, summarise } from "./stats.ts";

/** The anchor: the two bare parts of one round added up (issue 17 #2: HIT p50 <= 1.3x it). */
export const SUM_OF_PARTS = "bare Redis GET + bare node:http (the anchor)";

/** A process's CPU time so far (user + system), in ms; undefined where /proc is not there. */
const cpuMsOf = (pid: number | undefined): number | undefined => {
  try {
    // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
};

/**
 * A bars HIT through one real instance process, next to the floor it is built on: a bare
 * Redis GET of the same bytes, and a bare node:http server answering the same bytes,
 * measured interleaved in one run with the same client.
 */
export const benchHitLatency = async (
  cluster: TestCluster,
  path: string,
  rounds: number,
): Promise<Summary[]> => {
  const instance = cluster.instanceUrl("i1") + path;
  const warm = await fetch(instance);
  const cacheKey = warm.headers.get("x-cache-key");
  const bytes = Buffer.from(await warm.arrayBuffer());
  if (!warm.ok || !cacheKey) throw new Error(`warm-up failed: ${warm.status}`);

  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
    res.end(bytes);
  });
  await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

  const hit: number[] = [];
  const redisGet: number[] = [];
  const http: number[] = [];
  const time = async (into: number[], f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    into.push(performance.now() - t);
  };
  const pid = cluster.supervisor.pid("i1");
  let cpuFrom: number | undefined;
  try {
    for (let i = 0; i < rounds + 50; i++) {
      if (i === 50) cpuFrom = cpuMsOf(pid);
      const keep = i >= 50; // the first 50 rounds warm connections and JIT
      const sinks = keep ? [hit, redisGet, http] : [[], [], []];
      await time(sinks[0] as number[], async () => {
        const r = await fetch(instance);
        await r.arrayBuffer();
        if (r.headers.get("x-cache") !== "HIT") throw new Error("expected a HIT");
      });
      await time(sinks[1] as number[], () => redis.getBuffer(cacheKey));
      await time(sinks[2] as number[], async () => (await fetch(bareUrl)).arrayBuffer());
    }
    // The instance's CPU per HIT, whatever else the machine runs (latency is not).
    const cpuTo = cpuMsOf(pid);
    if (cpuFrom !== undefined && cpuTo !== undefined) {
      console.log(`instance CPU per HIT: ${((cpuTo - cpuFrom) / rounds).toFixed(3)} ms (/proc)`);
    }
  } finally {
    redis.disconnect();
    bare.close();
  }
  return [
    summarise(
      SUM_OF_PARTS,
      redisGet.map((ms, i) => ms + (http[i] ?? Number.NaN)),
    ),
    summarise(`bare Redis GET (${bytes.length} B)`, redisGet),
    summarise("bare node:http, same bytes", http),
    summarise("bars HIT through one instance", hit),
  ];
};

/** The range the HIT blocks read (recorded data, cached by the first request). */
export const HIT_PATH = barsPath({
  start: "2013-10-08T13:30:00.000Z",
  end: "2013-10-08T20:00:00.000Z",
});

/**
 * The HIT block's requests against an instance started with --cpu-prof; on stop it
 * writes its profile, summarised here by self time (where the instance's time goes).
 */
export const benchHitProfile = async (): Promise<void> => {
  const dir = mkdtempSync(path.join(tmpdir(), "hit-profile-"));
  const cluster = await startTestCluster("bench-profile", {
    instances: 1,
    env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` },
  });
  let window: Window;
  const rounds = 3_000;
  try {
    const fromUs = monotonicUs();
    await benchHitLatency(cluster, HIT_PATH, rounds);
    window = { fromUs, toUs: monotonicUs() };
  } finally {
    await cluster.close();
  }
  const file = busiestProfile(dir);
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(`\nBars HIT path, one instance under --cpu-prof (3,000 HITs; ${file})`);
  // The warm-up request, the 50 warm-up rounds and the measured ones.
  const requests = 1 + 50 + rounds;
  for (const line of summariseProfile(file, window, 15, requests)) console.log(line);
};
