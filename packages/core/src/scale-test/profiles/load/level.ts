import { Clock, Duration, Effect } from "effect";
import { tickUntil } from "../../poll.ts";
import { publish } from "../../publish.ts";
import { Load } from "../../services/load.ts";
import { Progress } from "../../services/progress.ts";
import type { PlannedLevel, QueueProbe } from "./data.ts";
import { type LevelEvidence, windowOf } from "./evidence.ts";
import type { Boots } from "./gates.ts";
import { type JudgedLevel, judgeLevel } from "./levelJudge.ts";
import { rowMetric, runningRow } from "./rows.ts";
import type { LoadSettings } from "./settings.ts";

/** Reports a level's own progress (0..1), or that its pause began. */
export type Report = (phase: "level" | "cooldown", fraction: number) => Effect.Effect<void>;

/** What the levels share: settings, instances seen so far, each instance's boot as last known. */
export interface LevelContext {
  readonly settings: LoadSettings;
  readonly everyMs: number;
  readonly instances: Set<string>;
  boots: Boots;
}

/**
 * Runs one level and judges it: its row is published as it starts (the UI shows it
 * running); meanwhile every instance's queue gauges are read and progress reported;
 * then the pause after it (the last samples land meanwhile), then the judgement of
 * what the instances recorded in its window, published at once.
 */
export const runLevel = Effect.fn("loadProfile.level")(function* (
  level: PlannedLevel,
  seq: number,
  ctx: LevelContext,
  report: Report,
) {
  const load = yield* Load;
  const progress = yield* Progress;
  const [name, row] = rowMetric(runningRow(seq, level));
  yield* progress.metric(name, row);
  yield* report("level", 0);
  const started = yield* Clock.currentTimeMillis;
  const probes: QueueProbe[] = [];
  const monitor = tickUntil(started + level.durationMs, ctx.settings.probeEveryMs, () =>
    Effect.gen(function* () {
      probes.push(...(yield* load.probe([...ctx.instances].sort())));
      const now = yield* Clock.currentTimeMillis;
      yield* report("level", (now - started) / Math.max(1, level.durationMs));
    }),
  );
  const [measure] = yield* Effect.all(
    [
      load.level({
        name: level.name,
        rate: level.rate,
        durationMs: level.durationMs,
        seed: seq + 1,
      }),
      monitor,
    ],
    { concurrency: "unbounded" },
  );
  for (const id of Object.keys(measure.byInstance)) ctx.instances.add(id);
  yield* report("cooldown", 0);
  yield* Effect.sleep(Duration.millis(level.cooldownMs));
  const w = windowOf(measure, ctx.everyMs, yield* load.resources(measure.startedAt), probes);
  const ev: LevelEvidence = { level, measure, resources: w.resources, probes: w.probes };
  const { judged, after } = judgeLevel(
    ev,
    seq,
    ctx.settings.zones,
    ctx.settings.runnerLagMs,
    ctx.boots,
  );
  ctx.boots = after;
  yield* publish({
    checks: judged.checks,
    metrics: {},
    series: Object.fromEntries([rowMetric(judged.row)]),
  });
  return judged satisfies JudgedLevel;
});
