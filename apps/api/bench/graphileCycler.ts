import { EventEmitter } from "node:events";
import { run } from "graphile-worker";

/**
 * Bench helper process: graphile-worker 0.18 running no-op jobs on the same Postgres
 * (its own database). `plain`: its defaults (one job fetched per worker slot, completed
 * one by one). `batched`: its fast mode, a local queue and batched completion. Runs
 * until stdin closes; prints {completed, first} (wall-clock ms of the first success).
 */
const [url, mode, concurrency] = process.argv.slice(2) as [string, string, string];
const events = new EventEmitter();
let completed = 0;
let first = Number.POSITIVE_INFINITY;
events.on("job:success", () => {
  if (completed++ === 0) first = performance.timeOrigin + performance.now();
});
const runner = await run({
  connectionString: url,
  concurrency: Number(concurrency),
  maxPoolSize: 10, // its default; the machine's Postgres is shared
  pollInterval: 1_000,
  noHandleSignals: true,
  events,
  logger: new (await import("graphile-worker")).Logger(() => () => {}),
  taskList: { noop: async () => {} },
  ...(mode === "batched"
    ? {
        preset: {
          worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 },
        },
      }
    : {}),
});
process.stdin.resume();
process.stdin.on("end", () => {
  void runner.stop().then(() => {
    console.log(JSON.stringify({ completed, first }));
  });
});
