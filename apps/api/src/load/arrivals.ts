import type { Arrival } from "./types.ts";

/** mulberry32: a small seedable PRNG, uniform in [0, 1). Same seed, same sequence. */
export const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** Arrivals a level schedules: `rate` x `durationMs`, rounded. */
export const arrivalCount = (rate: number, durationMs: number): number =>
  Math.max(0, Math.round((rate * durationMs) / 1000));

/**
 * The intended send times of one level, in ms from its start, ascending, all in
 * [0, durationMs). Generated lazily (a long level holds no array of times).
 *
 * - constant: evenly spaced, 1000/rate ms apart.
 * - poisson: a Poisson process conditioned on its count. Given N arrivals in [0, D), a
 *   Poisson process's times are N sorted uniforms; they are drawn here in order
 *   (next = prev + (D - prev)(1 - u^(1/k)), k arrivals left), so each gap is
 *   D·Beta(1, N), exponential with mean 1/rate as N grows: bursty like independent
 *   callers, yet the offered count is exactly rate x duration and the same seed gives
 *   the same schedule.
 */
export function* arrivalTimes(
  rate: number,
  durationMs: number,
  arrival: Arrival,
): Generator<number, void, undefined> {
  const n = arrivalCount(rate, durationMs);
  if (arrival.kind === "constant") {
    const gap = durationMs / Math.max(n, 1);
    for (let i = 0; i < n; i++) yield i * gap;
    return;
  }
  const random = prng(arrival.seed);
  let t = 0;
  for (let k = n; k > 0; k--) {
    const u = 1 - random(); // (0, 1]
    t += (durationMs - t) * (1 - u ** (1 / k));
    yield Math.min(t, durationMs * (1 - Number.EPSILON));
  }
}
