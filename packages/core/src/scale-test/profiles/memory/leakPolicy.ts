import type { LeakPolicy } from "../../trend.ts";
import type { LeakLines } from "./evidence.ts";
import { isCompressed } from "./windows.ts";

const MB = 1024 * 1024;

/** A trended series' name (see `LEAK_SERIES`). */
type Series = LeakLines["judged"][number];

/** Certified over the whole soak and its second half, not per window (seed-length lines only). */
export const spanCertified = (lines: LeakLines, series: Series) =>
  lines.passBelowMbPerHour !== null &&
  !isCompressed(lines) &&
  (lines.spanCertified ?? []).includes(series);

export const policyOf = (lines: LeakLines, series?: Series): LeakPolicy => {
  const pass = lines.passBelowMbPerHour === null ? null : lines.passBelowMbPerHour * MB;
  const span = series !== undefined && spanCertified(lines, series);
  return {
    failAbovePerHour: lines.failAboveMbPerHour * MB,
    passBelowPerHour: pass ?? Number.POSITIVE_INFINITY,
    ...(pass !== null && (span || isCompressed(lines)) ? { riskAbovePerHour: pass } : {}),
    ...(pass !== null && span ? { spanPassBelowPerHour: pass } : {}),
    windowMs: lines.windowMs,
    stepMs: lines.stepMs,
  };
};

export const leakExpectation = (lines: LeakLines, series?: Series) => {
  const w = `${lines.windowMs >= 60_000 ? `${lines.windowMs / 60_000}-min` : `${lines.windowMs / 1000} s`} window`;
  if (series !== undefined && spanCertified(lines, series))
    return `growth below ${lines.passBelowMbPerHour} MB/h over the whole soak, over its second half and in every ${w} past its first third (95% upper bound), and no ${w} of that first third shown above it (95% lower bound) for PASS: a warm-up that levels off in the first third passes; FAIL when a window's lower bound is above ${lines.failAboveMbPerHour} MB/h; RISK between`;
  if (isCompressed(lines))
    return `no ${w} growing faster than ${lines.failAboveMbPerHour} MB/h (FAIL when its 95% lower bound is above); RISK when its lower bound is above ${lines.passBelowMbPerHour} MB/h; windows this short may not resolve that PASS line (10-min windows do), so a PASS states the growth it certifies: below every window's 95% upper bound`;
  return lines.passBelowMbPerHour === null
    ? `no ${w} growing faster than ${lines.failAboveMbPerHour} MB/h (FAIL when its 95% lower bound is above; slower growth is not certified)`
    : `every ${w}'s growth below ${lines.passBelowMbPerHour} MB/h (95% upper bound) for PASS; FAIL when a lower bound is above ${lines.failAboveMbPerHour} MB/h; RISK between`;
};
