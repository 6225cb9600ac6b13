import type { Plan } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { SEED_LOAD_MIN } from "./defaults.ts";
import { cooldownStep, gatedLevels, loadSettings } from "./settings.ts";

/** Seed length: 1 min baseline, 4 x (3 min + 30 s), 15 min sustained, recovery: about 32 min. */
export const LOAD_DEFAULT_MIN = SEED_LOAD_MIN;
export const SETUP_MS = 2_000;

/**
 * setup (warm the cached keys), then each level and the pause after it: baseline, the
 * ladder, sustained, recovery (and `collect`); the capacity search as one step planned at
 * every rate it may try (it usually stops earlier); verdict.
 */
export const loadPlan = (params: RunParams): Plan => {
  const s = loadSettings(params);
  return [
    { name: "setup", ms: SETUP_MS },
    ...gatedLevels(s).flatMap((l) => [
      { name: l.name, ms: l.durationMs },
      { name: cooldownStep(l), ms: l.cooldownMs },
    ]),
    ...(s.capacity
      ? [
          {
            name: "capacity",
            ms: s.capacity.rates.length * (s.capacity.durationMs + s.capacity.cooldownMs),
          },
        ]
      : []),
    { name: "verdict", ms: 0 },
  ];
};
