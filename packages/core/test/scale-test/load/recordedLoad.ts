import type { LevelMeasure, ResourcePoint } from "../../../src/scale-test/profiles/load/data.ts";
import type {
  LevelEvidence,
  LoadEvidence,
} from "../../../src/scale-test/profiles/load/evidence.ts";
import { gatedLevels, loadSettings } from "../../../src/scale-test/profiles/load/settings.ts";
import { runInput } from "../../../src/scale-test/schema.ts";
import { healthyLevel, healthyResource } from "../../../src/scale-test/testing/load.ts";

const INSTANCES = ["i1", "i2"];
const EVERY_MS = 10_000;

/**
 * Evidence shaped like a full-mode (seed-length) load run on a healthy 2-instance
 * cluster: every level answered in full in 4-12 ms, samples every 10 s, queues empty.
 * `edit` changes one level (by name) so each test can break one thing.
 */
export const recordedLoad = (
  edit: (ev: LevelEvidence) => LevelEvidence = (ev) => ev,
): LoadEvidence => {
  const settings = loadSettings(runInput.parse({ profile: "load" }));
  let t = 1_000_000;
  const levels = gatedLevels(settings).map((level, seq) => {
    const measure = healthyLevel(
      { name: level.name, rate: level.rate, durationMs: level.durationMs, seed: seq + 1 },
      INSTANCES,
      t,
    );
    const samples = Math.floor(level.durationMs / EVERY_MS);
    const resources = INSTANCES.flatMap((i) =>
      Array.from({ length: samples }, (_, k) =>
        healthyResource(i, k, t + (k + 1) * EVERY_MS, level.rate),
      ),
    );
    const probes = INSTANCES.flatMap((instanceId) =>
      Array.from({ length: samples }, (_, k) => ({
        instanceId,
        bootId: `${instanceId}-boot`,
        at: t + k * 5_000,
        requestsInFlight: 0,
        dbWaiting: 0,
        jobsActive: 0,
      })),
    );
    t += level.durationMs + level.cooldownMs;
    return edit({ level, measure, resources, probes });
  });
  return {
    warm: { asked: 4, answered: 4, instances: INSTANCES, problems: [] },
    levels,
    zones: settings.zones,
    runnerLagMs: settings.runnerLagMs,
    capacity: null,
  };
};

/** `ev` with its measure changed, when it is the level named `name`. */
export const atLevel =
  (name: string, change: (m: LevelMeasure) => LevelMeasure) => (ev: LevelEvidence) =>
    ev.level.name === name ? { ...ev, measure: change(ev.measure) } : ev;

/** `ev` with every resource sample changed, when it is the level named `name`. */
export const samplesAt =
  (name: string, change: (r: ResourcePoint) => ResourcePoint) => (ev: LevelEvidence) =>
    ev.level.name === name ? { ...ev, resources: ev.resources.map(change) } : ev;

/** `errors` of a level's `sent` requests answered 500 instead of 200, spread over both instances. */
export const withErrors = (m: LevelMeasure, errors: number): LevelMeasure => ({
  ...m,
  counts: { ...m.counts, answered: m.counts.answered - errors, failed: errors },
  achievedRate: (m.counts.answered - errors) / (m.elapsedMs / 1000),
  statuses: { "200": m.counts.answered - errors, "500": errors },
});
