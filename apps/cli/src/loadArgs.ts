import type { RunInput } from "@scaleproof/core/scale-test/schema";
import { parseDuration } from "./duration.ts";
import { ArgumentError } from "./errors.ts";

type LoadInput = NonNullable<RunInput["load"]>;

/** The load profile's flags, each with the `load` field it sets. */
export const LOAD_OPTIONS = {
  levels: { type: "string" },
  "level-duration": { type: "string" },
  cooldown: { type: "string" },
  achieved: { type: "string" },
  p95: { type: "string" },
  "error-pass": { type: "string" },
  "error-fail": { type: "string" },
  baseline: { type: "string" },
  "baseline-duration": { type: "string" },
  "baseline-p95": { type: "string" },
  sustained: { type: "string" },
  "sustained-duration": { type: "string" },
  "sustained-p95": { type: "string" },
  "find-capacity": { type: "boolean" },
  "capacity-start": { type: "string" },
  "capacity-max": { type: "string" },
  "runner-lag": { type: "string" },
  mix: { type: "string" },
} as const;

type LoadFlag = keyof typeof LOAD_OPTIONS;
export const LOAD_FLAGS = Object.keys(LOAD_OPTIONS) as LoadFlag[];

const FIELD: Readonly<Record<LoadFlag, keyof LoadInput>> = {
  levels: "levels",
  "level-duration": "levelDurationS",
  cooldown: "cooldownS",
  achieved: "achievedPct",
  p95: "p95Ms",
  "error-pass": "errorPassPct",
  "error-fail": "errorFailPct",
  baseline: "baselineRps",
  "baseline-duration": "baselineDurationS",
  "baseline-p95": "baselineP95Ms",
  sustained: "sustainedRps",
  "sustained-duration": "sustainedDurationS",
  "sustained-p95": "sustainedP95Ms",
  "find-capacity": "findCapacity",
  "capacity-start": "capacityStartRps",
  "capacity-max": "capacityMaxRps",
  "runner-lag": "runnerLagMs",
  mix: "mix",
};

const number = (flag: string, text: string): number => {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new ArgumentError(flag, `not a number: ${text}`);
  }
  return n;
};

const list = (flag: string, text: string) => text.split(",").map((t) => number(flag, t.trim()));

/** `3m`, `30s`, `1h` or bare minutes -> seconds. */
const seconds = (flag: string, text: string) =>
  Math.round(parseDuration(flag, text) * 60 * 1000) / 1000;

/** `18:1:1` -> cached bars : new bars : backtests. */
const mix = (flag: string, text: string): LoadInput["mix"] => {
  const parts = text.split(":");
  if (parts.length !== 3) {
    throw new ArgumentError(
      flag,
      `expected CACHED:NEW:BACKTESTS weights, e.g. 18:1:1, got ${text}`,
    );
  }
  const [barsCached = 0, barsNew = 0, backtests = 0] = parts.map((p) => number(flag, p));
  return { barsCached, barsNew, backtests };
};

const VALUE: Readonly<Record<LoadFlag, (flag: string, text: string) => unknown>> = {
  levels: list,
  "level-duration": seconds,
  cooldown: seconds,
  achieved: list,
  p95: list,
  "error-pass": number,
  "error-fail": number,
  baseline: number,
  "baseline-duration": seconds,
  "baseline-p95": number,
  sustained: number,
  "sustained-duration": seconds,
  "sustained-p95": number,
  "find-capacity": () => true,
  "capacity-start": number,
  "capacity-max": number,
  "runner-lag": number,
  mix,
};

/**
 * `--levels 5,10,25,50 --level-duration 3m --find-capacity ...` -> `{ load: {...} }`
 * (nothing when no load flag is given: the profile's seed defaults apply).
 */
export const loadInputFrom = (
  values: Readonly<Partial<Record<LoadFlag, string | boolean>>>,
): { load?: LoadInput } => {
  const load: Record<string, unknown> = {};
  for (const flag of LOAD_FLAGS) {
    const v = values[flag];
    if (v === undefined || v === false) continue;
    load[FIELD[flag]] = VALUE[flag](`--${flag}`, String(v));
  }
  return Object.keys(load).length ? { load: load as LoadInput } : {};
};

/** The flag behind a problem the schema found in `load.<field>...`. */
export const loadFlagOf = (path: string): string => {
  const field = path.split(".")[1];
  const flag = LOAD_FLAGS.find((f) => FIELD[f] === field);
  return flag ? `--${flag}` : "--load";
};
