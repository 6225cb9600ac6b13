import type { LeakLines } from "./evidence.ts";
import { SOAK_LEAK_LINES } from "./plan.ts";

/**
 * The windows for a soak of `soakMs`: the lines' own (the seed's 10 minutes every 5)
 * while at least 2 of them fit, else a compressed run's, half the soak every half
 * window (2 windows, a third once the last is filled), the lines themselves unchanged.
 * rss is then reported, not judged (as in the quick soak): outside the V8 heap it moves
 * in steps of megabytes (malloc arenas) that short windows cannot tell from a leak
 * (measured on a healthy cluster: the runner +45 MB/h [29, 65] in a 72-s window).
 * The quick soak's 30-s windows already fit twice in its 60 s.
 */
export const windowsForSoak = (lines: LeakLines, soakMs: number): LeakLines => {
  const windowMs = Math.floor(soakMs / 2);
  if (windowMs >= lines.windowMs) return lines;
  const judged = lines.judged.filter((s) => s !== "rss");
  return { ...lines, windowMs, stepMs: Math.floor(windowMs / 2), judged };
};

/**
 * Windows shorter than the seed's 10 minutes, under a PASS line: they may be too short
 * to resolve it (a 72-s window's 95% interval is tens of MB/h wide at the default 10-s
 * sampling, a few MB/h at 2 s), so the lines stay but "too noisy to tell" is not RISK:
 * FAIL above the FAIL line, RISK only when growth is shown above the PASS line (the
 * lower bound), else PASS, stating the growth it certifies (every window's upper bound).
 */
export const isCompressed = (lines: LeakLines): boolean =>
  lines.passBelowMbPerHour !== null && lines.windowMs < SOAK_LEAK_LINES.windowMs;
