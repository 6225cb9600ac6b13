import { atMost, check, zoned } from "../../check.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, CheckZone, Metrics } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import type { UploadRecord, UploadsEvidence } from "./evidence.ts";
import { judgeRssGrowth } from "./memory.ts";

const median = (xs: readonly number[]) => percentile(xs, 50);
const ms = (u: UploadRecord) => u.endedAt - u.startedAt;

/** Upload time of the first and the last quarter of the soak (successful uploads, by start). */
export const timeWindows = (
  uploads: readonly UploadRecord[],
  soak: { from: number },
  soakMs: number,
) => {
  const w = soakMs / 4;
  const ok = uploads.filter((u) => u.failure === null);
  const first = ok.filter((u) => u.startedAt < soak.from + w).map(ms);
  const last = ok.filter((u) => u.startedAt >= soak.from + soakMs - w).map(ms);
  const a = median(first);
  const b = median(last);
  return {
    first: a,
    last: b,
    firstN: first.length,
    lastN: last.length,
    driftPct: a === null || b === null || a === 0 ? null : round((b / a - 1) * 100, 1),
  };
};

/**
 * Seed 004's soak: failures at most 5 %, rss growth in MB/h (see `judgeRssGrowth`), and
 * upload time stable (last window's median within +/-20 % of
 * the first's).
 */
export const judgeSoak = (ev: UploadsEvidence): { checks: Check[]; metrics: Metrics } => {
  const soak = ev.soak;
  if (soak === null) return { checks: [], metrics: { "uploads.soak.uploads_count": 0 } };
  const b = ev.bounds;
  const uploads = ev.uploads.filter((u) => u.phase === "soak");
  const failed = uploads.filter((u) => u.failure !== null);
  const failedPct = uploads.length ? round((failed.length / uploads.length) * 100, 1) : 100;
  const rss = judgeRssGrowth(ev.memory, soak, b.rssPolicy);
  const t = timeWindows(uploads, soak, b.soakMs);
  const driftZone: CheckZone =
    t.driftPct === null ? "risk" : Math.abs(t.driftPct) <= b.soakTimeDriftPct ? "pass" : "fail";
  const ok = uploads.filter((u) => u.failure === null);
  const seconds = ok.reduce((n, u) => n + ms(u), 0) / 1000;
  const checks: Check[] = [
    check(
      "soak",
      "uploads.soak.failures_pct",
      `<= ${b.soakFailurePct} % of ${uploads.length} uploads`,
      failedPct,
      atMost(b.soakFailurePct),
      failed.length
        ? failed
            .slice(0, 3)
            .map((u) => `${u.filename}: ${u.failure}`)
            .join("; ")
        : undefined,
    ),
    rss.check,
    zoned(
      "soak",
      "uploads.soak.time_drift_pct",
      `last quarter's median upload time within +/-${b.soakTimeDriftPct} % of the first's`,
      t.driftPct,
      driftZone,
      `first ${t.first === null ? "-" : Math.round(t.first)} ms (${t.firstN} uploads), last ${t.last === null ? "-" : Math.round(t.last)} ms (${t.lastN} uploads)`,
    ),
  ];
  return {
    checks,
    metrics: measured({
      "uploads.soak.uploads_count": uploads.length,
      "uploads.soak.failures_count": failed.length,
      "uploads.soak.mb_s":
        seconds > 0 ? round(ok.reduce((n, u) => n + u.size, 0) / 1048576 / seconds, 1) : null,
      "uploads.soak.time_first_ms": t.first === null ? null : Math.round(t.first),
      "uploads.soak.time_last_ms": t.last === null ? null : Math.round(t.last),
      ...rss.metrics,
    }),
  };
};
