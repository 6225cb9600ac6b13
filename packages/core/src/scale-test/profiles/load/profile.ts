import { Effect } from "effect";
import { ProfileSetupFailed } from "../../errors.ts";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { Load } from "../../services/load.ts";
import { Progress } from "../../services/progress.ts";
import { Scaler } from "../../services/scaler.ts";
import type { PlannedLevel } from "./data.ts";
import type { LoadEvidence } from "./evidence.ts";
import { judgeLoad } from "./judge.ts";
import { type LevelContext, type Report, runLevel } from "./level.ts";
import type { JudgedLevel } from "./levelJudge.ts";
import { LOAD_DEFAULT_MIN, loadPlan } from "./plan.ts";
import { ZONE_BOUNDS_METRIC } from "./rows.ts";
import { type ScaleOutInEvidence, scaleOutIn } from "./scaleOutIn.ts";
import { scaleOutInAfter } from "./scaleOutInAfter.ts";
import { capacityLevel, cooldownStep, gatedLevels, loadSettings } from "./settings.ts";

/**
 * Progressive load (seeds 001 and 002): open-loop levels from the runner through the
 * front door, each judged against its gates (achieved/offered, p95, error rate, no
 * restart) and in zones per signal (CPU, memory, p95, errors, event-loop delay, queue
 * depths): a baseline at 1 req/s, the ladder 5/10/25/50 req/s with cooldowns, a
 * sustained level, a recovery level back at the baseline rate, and with `findCapacity`
 * a x1.5 search for the rate the service cannot sustain. A runner that cannot offer a
 * rate says so and is never taken for the service.
 */
export const loadProfile: Profile = {
  name: "load",
  title: "Progressive load",
  defaultDurationMin: LOAD_DEFAULT_MIN,
  plan: loadPlan,
  run: (params) => runLoad(params),
};

const passed = (j: JudgedLevel) => j.gates.verdict === "PASS" || j.gates.verdict === "RISK";

const runLoad = Effect.fn("loadProfile")(function* (params: RunParams) {
  const load = yield* Load;
  const settings = loadSettings(params);
  const plan = loadPlan(params);
  const tracker = yield* makeTracker(plan);
  const everyMs = load.sampleEveryMs(params.quick);

  yield* tracker.at("setup");
  const warm = yield* load.start(settings.mix);
  if (warm.answered < warm.asked) {
    return yield* new ProfileSetupFailed({
      step: "setup",
      message: `warming the cached keys: ${warm.answered} of ${warm.asked} answered (${warm.problems.join("; ")})`,
    });
  }
  yield* (yield* Progress).metric(ZONE_BOUNDS_METRIC, JSON.stringify(settings.zones));
  const ctx: LevelContext = {
    settings,
    everyMs,
    instances: new Set(warm.instances),
    boots: new Map(),
  };
  const levels: JudgedLevel[] = [];
  const run = (level: PlannedLevel, report: Report) =>
    runLevel(level, levels.length, ctx, report).pipe(
      Effect.tap((j) => Effect.sync(() => void levels.push(j))),
    );
  const scaler = yield* Scaler;
  const scaling = params.load?.scaleOutIn !== false;
  let scaled: ScaleOutInEvidence | null = null;
  for (const level of gatedLevels(settings)) {
    const measured = run(level, (phase, f) =>
      tracker.at(phase === "level" ? level.name : cooldownStep(level), f),
    );
    if (level.kind === "sustained" && scaling && scaler.available) {
      const [, steps] = yield* Effect.all(
        [measured, scaleOutIn(level.durationMs, { symbol: params.symbol, tf: params.tf })],
        { concurrency: "unbounded" },
      );
      if (steps.stopped) ctx.instances.delete(steps.stopped);
      scaled = yield* scaleOutInAfter(level.name, steps);
    } else yield* measured;
  }

  let note: string | null = null;
  let searched = false;
  const c = settings.capacity;
  if (c) {
    const ladder = levels.filter((l) => l.ev.level.kind === "ladder");
    const failedAt = ladder.find((l) => !passed(l));
    if (failedAt && !c.explicitStart) {
      note = `not searched: the ladder already failed at ${failedAt.ev.level.name}, so capacity is below it`;
    } else {
      searched = true;
      for (const [i, rate] of c.rates.entries()) {
        const level = capacityLevel(c, rate);
        const each = level.durationMs + level.cooldownMs;
        const within = (phase: "level" | "cooldown", f: number) =>
          phase === "level" ? f * level.durationMs : level.durationMs;
        const j = yield* run(level, (phase, f) =>
          tracker.at(
            "capacity",
            (i * each + within(phase, f)) / Math.max(1, c.rates.length * each),
          ),
        );
        if (!passed(j)) {
          note = `stopped at ${level.name}: ${j.gates.verdict === "RUNNER" ? j.gates.runner : `failed ${j.gates.failed.join(", ")}`}`;
          break;
        }
        if (i === c.rates.length - 1) note = `no level failed up to ${rate} req/s`;
      }
    }
  }

  yield* tracker.at("verdict");
  const evidence: LoadEvidence = {
    warm,
    levels: levels.map((l) => l.ev),
    zones: settings.zones,
    runnerLagMs: settings.runnerLagMs,
    capacity: c ? { searched, maxRate: c.maxRate, note } : null,
    ...(scaling ? { scaleOutIn: scaled } : {}),
  };
  const judged = judgeLoad(evidence);
  // the levels published their own checks as they were judged: what is left is the summary's
  const notes = judged.notes ? { notes: judged.notes } : {};
  yield* publish({ checks: judged.summary, metrics: judged.metrics, ...notes });
  return {
    checks: judged.checks,
    metrics: judged.metrics,
    ...notes,
    series: judged.series ?? {},
    evidence: { profile: "load", load: evidence },
  } satisfies Judged;
});
