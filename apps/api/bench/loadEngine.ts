import { Worker } from "node:worker_threads";
import autocannon from "autocannon";
import { runClosedLoop } from "../src/load/closedLoop.ts";
import { runLevel } from "../src/load/level.ts";
import type { Workload } from "../src/load/workload.ts";

/** A trivial node:http server in a worker thread: its own event loop, not the generator's. */
const SERVER = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
const body = '{"ok":true}';
const s = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => parentPort.postMessage(s.address().port));
`;

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;

const fixed: Workload = {
  cachedPaths: ["/x"],
  next: () => ({ kind: "barsCached", method: "GET", path: "/x" }),
};

export interface ClosedRow {
  readonly connections: number;
  /** Medians over rounds, req/s. */
  readonly autocannon: number;
  readonly engine: number;
  /** Median of each round's engine/autocannon (the two ran back to back). */
  readonly ratio: number;
}

export interface OpenRow {
  readonly offered: number;
  readonly achieved: number;
  readonly sent: number;
  readonly lagP99: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * (a) The most the engine's closed loop (N loops, each sending when the previous one is
 * answered) gets from one process against a trivial server, next to autocannon with the
 * same connections and duration, in alternating back-to-back rounds (the median of the
 * per-round ratios: other work on the machine moves single runs a lot); (b) open-loop
 * accuracy: achieved/offered and how late the generator handed requests over.
 */
export const benchLoadEngine = async (opts: {
  readonly connections: readonly number[];
  /** Each closed-loop run, per tool. */
  readonly seconds: number;
  /** Closed-loop rounds per tool, alternating which goes first. */
  readonly rounds: number;
  readonly rates: readonly number[];
  /** Each open-loop level. */
  readonly levelSeconds: number;
}): Promise<{ closed: ClosedRow[]; open: OpenRow[] }> => {
  const worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once("message", resolve));
  const target = `http://127.0.0.1:${port}`;
  const closed: ClosedRow[] = [];
  const open: OpenRow[] = [];
  try {
    await runClosedLoop({ target, loops: 10, durationMs: 1000, workload: fixed }); // warm-up
    await autocannon({ url: `${target}/x`, connections: 10, duration: 1 });
    for (const c of opts.connections) {
      const ac: number[] = [];
      const engine: number[] = [];
      const runAc = async () => {
        const r = await autocannon({ url: `${target}/x`, connections: c, duration: opts.seconds });
        ac.push(r["2xx"] / opts.seconds);
      };
      const runEngine = async () => {
        const durationMs = opts.seconds * 1000;
        const r = await runClosedLoop({ target, loops: c, durationMs, workload: fixed });
        engine.push(r.achievedRate);
      };
      for (let i = 0; i < opts.rounds; i++) {
        for (const run of i % 2 === 0 ? [runAc, runEngine] : [runEngine, runAc]) await run();
      }
      const ratio = median(engine.map((e, i) => e / (ac[i] ?? Number.NaN)));
      closed.push({ connections: c, autocannon: median(ac), engine: median(engine), ratio });
    }
    for (const rate of opts.rates) {
      const r = await runLevel({
        target,
        rate,
        durationMs: opts.levelSeconds * 1000,
        arrival: { kind: "poisson", seed: rate },
        workload: fixed,
        connections: 32,
      });
      const { latencyMs: l } = r;
      open.push({
        offered: rate,
        achieved: r.achievedRate,
        sent: r.counts.sent,
        lagP99: r.scheduleLagMs.p99,
        p50: l.p50,
        p99: l.p99,
      });
    }
    return { closed, open };
  } finally {
    await worker.terminate();
  }
};

export const printLoadEngine = (r: { closed: ClosedRow[]; open: OpenRow[] }): void => {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log("\nLoad engine closed loop vs autocannon, trivial node:http server (worker thread)");
  console.log(
    `${pad("conns", 6)}${pad("autocannon/s", 14)}${pad("engine/s", 10)}${pad("engine/autocannon", 19)}`,
  );
  for (const c of r.closed) {
    console.log(
      `${pad(c.connections, 6)}${pad(c.autocannon.toFixed(0), 14)}${pad(c.engine.toFixed(0), 10)}${pad(`${c.ratio.toFixed(2)}x`, 19)}`,
    );
  }
  console.log("\nLoad engine, open loop (seeded Poisson, 32 connections): achieved vs offered");
  console.log(
    `${pad("offered/s", 10)}${pad("achieved/s", 12)}${pad("ratio", 8)}${pad("sent", 8)}${pad("lag p99 ms", 12)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}`,
  );
  for (const o of r.open) {
    console.log(
      `${pad(o.offered, 10)}${pad(o.achieved.toFixed(1), 12)}${pad((o.achieved / o.offered).toFixed(4), 8)}${pad(o.sent, 8)}${pad(o.lagP99.toFixed(3), 12)}${pad(o.p50.toFixed(3), 9)}${pad(o.p99.toFixed(3), 9)}`,
    );
  }
};
