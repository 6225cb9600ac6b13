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
  readonly tool: string;
  readonly connections: number;
  readonly rate: number;
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
 * same connections and duration, in alternating rounds (medians: other work on the machine
 * moves single runs a lot); (b) open-loop accuracy, achieved/offered.
 */
export const benchLoadEngine = async (opts: {
  readonly connections: readonly number[];
  readonly seconds: number;
  /** Closed-loop rounds per tool, alternating which goes first; medians are reported. */
  readonly rounds: number;
  readonly rates: readonly number[];
}): Promise<{ closed: ClosedRow[]; open: OpenRow[] }> => {
  const worker = new Worker(SERVER, { eval: true });
  const port = await new Promise<number>((resolve) => worker.once("message", resolve));
  const target = `http://127.0.0.1:${port}`;
  const closed: ClosedRow[] = [];
  const open: OpenRow[] = [];
  try {
    const durationMs = opts.seconds * 1000;
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
        const r = await runClosedLoop({ target, loops: c, durationMs, workload: fixed });
        engine.push(r.achievedRate);
      };
      for (let i = 0; i < opts.rounds; i++) {
        for (const run of i % 2 === 0 ? [runAc, runEngine] : [runEngine, runAc]) await run();
      }
      closed.push({ tool: "autocannon", connections: c, rate: median(ac) });
      closed.push({ tool: "engine (closed loop)", connections: c, rate: median(engine) });
    }
    for (const rate of opts.rates) {
      const r = await runLevel({
        target,
        rate,
        durationMs,
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
  console.log(
    "\nLoad engine vs autocannon, closed loop (median of rounds), trivial node:http server (worker thread)",
  );
  console.log(`${"".padEnd(24)}${pad("conns", 7)}${pad("req/s", 10)}${pad("vs autocannon", 15)}`);
  for (const row of r.closed) {
    const base = r.closed.find((x) => x.tool === "autocannon" && x.connections === row.connections);
    const ratio = base ? `${(row.rate / base.rate).toFixed(2)}x` : "";
    console.log(
      `${row.tool.padEnd(24)}${pad(row.connections, 7)}${pad(row.rate.toFixed(0), 10)}${pad(ratio, 15)}`,
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
