import { Array as Arr, Clock, Effect, Fiber, Schedule } from "effect";
import { answered } from "../../answers.ts";
import type { Answer, BarsRange } from "../../data.ts";
import type { PoolReading } from "../../dbData.ts";
import { ask } from "../../poll.ts";
import type { RunParams } from "../../schema.ts";
import { DbEvidence } from "../../services/dbEvidence.ts";
import { Evidence } from "../../services/evidence.ts";
import { Target } from "../../services/target.ts";
import type { ColdReadBurst, CreationBurst } from "./evidence.ts";
import type { DbGates } from "./gates.ts";

const idOf = (json: unknown): string | null =>
  typeof json === "object" && json !== null && "id" in json && typeof json.id === "string"
    ? json.id
    : null;

/** A short backtest (its first hour), so the jobs the burst creates end soon. */
const backtestRange = (range: { start: string; end: string }) => ({
  start: range.start,
  end: new Date(Math.min(Date.parse(range.end), Date.parse(range.start) + 3_600_000)).toISOString(),
});

/**
 * `gates.creations` backtests created at once through the balancer (no retries: every
 * refusal counts), timed from the first send to the last answer, with the deadlocks
 * Postgres counted meanwhile.
 */
export const creationBurst = Effect.fn("dbProfile.creations")(function* (
  params: RunParams,
  gates: DbGates,
  range: { start: string; end: string },
  round: number,
) {
  const target = yield* Target;
  const db = yield* DbEvidence;
  const span = backtestRange(range);
  const before = yield* db.stats;
  const t0 = yield* Clock.currentTimeMillis;
  const results = yield* Effect.forEach(
    Arr.range(0, gates.creations - 1),
    (i) =>
      target
        .post({
          path: "/api/backtests",
          body: {
            symbol: params.symbol,
            tf: params.tf,
            ...span,
            fast: 5 + (i % 10),
            slow: 30 + ((i * 7) % 40),
            maxAttempts: 3,
            idempotencyKey: `${target.runId}:db:${round}:${i}`,
          },
        })
        .pipe(
          Effect.map((r) => ({ answer: answered(r), id: r.status === 202 ? idOf(r.json) : null })),
          Effect.catchTag("TargetUnreachable", (e) =>
            Effect.succeed({
              answer: { _tag: "Unreachable", message: e.message } as Answer,
              id: null,
            }),
          ),
        ),
    { concurrency: "unbounded" },
  );
  const wallMs = (yield* Clock.currentTimeMillis) - t0;
  const after = yield* db.stats;
  return {
    answers: results.map((r) => r.answer),
    jobIds: results.flatMap((r) => (r.id ? [r.id] : [])),
    wallMs,
    deadlocks: after.deadlocks - before.deadlocks,
  } satisfies CreationBurst;
});

/** `n` distinct keys: windows of 30 bars starting one bar apart. */
export const coldRanges = (params: RunParams, range: { start: string }, n: number): BarsRange[] => {
  const bar = params.tf === "5m" ? 300_000 : 60_000;
  const start = Math.floor(Date.parse(range.start) / bar) * bar;
  return Arr.range(0, n - 1).map((i) => ({
    symbol: params.symbol,
    tf: params.tf,
    start: new Date(start + i * bar).toISOString(),
    end: new Date(start + (i + 30) * bar).toISOString(),
  }));
};

/** Every instance's pool, read every 100 ms while `during` runs: the largest `waiting` each showed. */
const watchPools = <A, E, R>(instances: readonly string[], during: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const db = yield* DbEvidence;
    const waitingMax: Record<string, number> = {};
    let readings = 0;
    const note = (p: PoolReading | null) => {
      if (p === null) return;
      readings++;
      waitingMax[p.instanceId] = Math.max(waitingMax[p.instanceId] ?? 0, p.waiting);
    };
    const read = Effect.forEach(instances, (id) => Effect.map(db.pool(id), note), {
      concurrency: "unbounded",
      discard: true,
    });
    const watcher = yield* Effect.forkChild(
      read.pipe(Effect.repeat(Schedule.spaced("100 millis"))),
    );
    const result = yield* during;
    yield* Fiber.interrupt(watcher);
    yield* read; // one reading at the end, so even a very short burst is watched
    return { result, waitingMax, readings };
  });

/**
 * `gates.coldReads` bars reads at once, each for a key nobody has cached (forgotten first),
 * while every instance's pool is watched.
 */
export const coldReadBurst = Effect.fn("dbProfile.coldReads")(function* (
  params: RunParams,
  gates: DbGates,
  range: { start: string },
  instances: readonly string[],
) {
  const target = yield* Target;
  const evidence = yield* Evidence;
  const ranges = coldRanges(params, range, gates.coldReads);
  yield* Effect.forEach(ranges, (r) => evidence.forgetBars(r), { concurrency: 10, discard: true });
  const burst = Effect.gen(function* () {
    const t0 = yield* Clock.currentTimeMillis;
    const answers = yield* Effect.forEach(
      ranges,
      (r) =>
        ask(
          target.get({
            path: "/api/bars",
            query: { symbol: r.symbol, tf: r.tf, start: r.start, end: r.end },
          }),
        ),
      { concurrency: "unbounded" },
    );
    return { answers, wallMs: (yield* Clock.currentTimeMillis) - t0 };
  });
  const watched = yield* watchPools(instances, burst);
  return {
    answers: watched.result.answers,
    wallMs: watched.result.wallMs,
    waitingMax: watched.waitingMax,
    poolReadings: watched.readings,
  } satisfies ColdReadBurst;
});
