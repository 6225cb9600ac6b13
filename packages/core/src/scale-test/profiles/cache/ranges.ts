import { Effect } from "effect";
import type { BarsRange } from "../../data.ts";
import { ProfileSetupFailed } from "../../errors.ts";
import type { RunParams } from "../../schema.ts";
import { Evidence } from "../../services/evidence.ts";
import { lastTradingDays } from "../../tradingDays.ts";

const MIN_RANGE_MS = 10 * 60_000;

/**
 * A (warm-up/hits), B (stampede) and C (takeover): the given ranges, or the last 7 trading
 * days, its first half and its second half (three distinct keys).
 */
export const chooseRanges = Effect.fn("cacheProfile.chooseRanges")(function* (params: RunParams) {
  const evidence = yield* Evidence;
  const base = params.ranges?.[0] ?? lastTradingDays(yield* evidence.availableRange, 7);
  const span = Date.parse(base.end) - Date.parse(base.start);
  if (span < MIN_RANGE_MS) {
    return yield* new ProfileSetupFailed({
      step: "setup",
      message: `range ${base.start}..${base.end} is shorter than 10 minutes: too short for two distinct keys`,
    });
  }
  const half = Math.floor((Date.parse(base.start) + span / 2) / 300_000) * 300_000;
  const second = params.ranges?.[1] ?? { start: base.start, end: new Date(half).toISOString() };
  const third = params.ranges?.[2] ?? { start: new Date(half).toISOString(), end: base.end };
  const range = (r: { start: string; end: string }): BarsRange => ({
    symbol: params.symbol,
    tf: params.tf,
    start: r.start,
    end: r.end,
  });
  return { A: range(base), B: range(second), C: range(third) } as const;
});
