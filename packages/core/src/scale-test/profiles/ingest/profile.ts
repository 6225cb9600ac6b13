import { Effect, Fiber } from "effect";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { Faults } from "../../services/faults.ts";
import { Ingest } from "../../services/ingest.ts";
import { Target } from "../../services/target.ts";
import { lastTradingDays } from "../../tradingDays.ts";
import { type Armed, awaitBack, crashMidLevel, INGEST_CRASH } from "./crash.ts";
import type { IngestStatsSample } from "./data.ts";
import type { CrashEvidence, IngestEvidence, LevelRun, SendRecord } from "./evidence.ts";
import { judgeIngest } from "./judge.ts";
import { runLevel, type Seen } from "./level.ts";
import { ACK_TIMEOUT_MS, INGEST_DEFAULT_MIN, ingestPlan, ingestSettings } from "./plan.ts";
import { settledRows } from "./readBack.ts";
import { sampleStats } from "./sampler.ts";

/**
 * Seed 001's write path: snapshots built from recorded bars pushed through the balancer
 * at 5 / 10 / 25 / 50 per second, one instance SIGKILLed mid-run, then every
 * acknowledgement checked against what Postgres holds (stored once, unmodified).
 */
export const ingestProfile: Profile = {
  name: "ingest",
  title: "Snapshot ingest",
  defaultDurationMin: INGEST_DEFAULT_MIN,
  plan: ingestPlan,
  run: (params) => runIngest(params),
};

const notRequested = (level: number): Armed => ({
  requested: false,
  notApplied: null,
  victim: null,
  level,
  armedAt: null,
  bootBefore: null,
});

const runIngest = Effect.fn("ingestProfile")(function* (params: RunParams) {
  const settings = ingestSettings(params);
  const tracker = yield* makeTracker(ingestPlan(params));
  const ingest = yield* Ingest;
  const faults = yield* Faults;
  const { runId } = yield* Target;

  yield* tracker.at("setup");
  const range = params.ranges?.[0] ?? lastTradingDays(yield* (yield* Evidence).availableRange, 1);
  const recorded = yield* ingest.bars({ symbol: params.symbol, tf: params.tf, ...range });

  const seen: Seen = new Map();
  const stats: IngestStatsSample[] = [];
  const sampler = yield* Effect.forkChild(sampleStats(seen, stats, settings.sampleEveryMs));
  const body = Effect.gen(function* () {
    const levels: LevelRun[] = [];
    const sends: SendRecord[] = [];
    let crash: CrashEvidence = {
      ...notRequested(settings.crashLevel),
      bootAfter: null,
      backAt: null,
    };
    for (const level of settings.levels) {
      const crashHere = settings.crash && level.index === settings.crashLevel;
      const r = yield* runLevel({
        runId,
        instrument: recorded.instrument,
        bars: recorded.bars,
        firstSeq: sends.length,
        level,
        seen,
        tracker,
        during: () =>
          crashHere
            ? crashMidLevel(level.index, level.durationMs, seen).pipe(Effect.map((a) => [a]))
            : Effect.succeed([] as Armed[]),
      });
      levels.push(r.run);
      sends.push(...r.sends);
      const armed = r.during[0];
      if (armed) {
        // The next level is measured on the whole cluster again: wait for the platform
        // to bring the killed instance back (a new boot id), bounded.
        yield* tracker.at("recover");
        crash = yield* awaitBack(armed);
      }
    }

    yield* tracker.at("verify");
    yield* Fiber.interrupt(sampler);
    const stored = yield* settledRows(
      seen,
      sends.map((s) => s.id),
      settings.settleMs,
    );
    const ev: IngestEvidence = {
      range,
      instrument: recorded.instrument,
      bars: recorded.bars.length,
      bounds: {
        flushLagP95Ms: settings.flushLagP95Ms,
        bufferMaxRows: settings.bufferMaxRows,
        ackTimeoutMs: ACK_TIMEOUT_MS,
      },
      levels,
      sends,
      stats,
      stored,
      crash,
    };
    const result = yield* publish(judgeIngest(ev));
    yield* tracker.at("verdict");
    return { ...result, evidence: { profile: "ingest", ingest: ev } } satisfies Judged;
  });
  return yield* body.pipe(
    Effect.ensuring(
      Effect.all([
        Fiber.interrupt(sampler),
        settings.crash ? faults.clear(INGEST_CRASH) : Effect.void,
      ]),
    ),
  );
});
