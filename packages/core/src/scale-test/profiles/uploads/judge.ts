import { check, equals, type ProfileResult, zoned } from "../../check.ts";
import type { Series } from "../../metrics/schema.ts";
import { measured } from "../../metrics/split.ts";
import type { Check, CheckZone, Metrics } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import { encodeSeries } from "../../timeSeries.ts";
import type { UploadRecord, UploadsEvidence } from "./evidence.ts";
import { type Finding, integrityOfUploads } from "./integrity.ts";
import { mb, rssPeaks } from "./memory.ts";
import { judgeSoak } from "./soak.ts";

const MB = 1024 * 1024;

const sample = (xs: readonly Finding[]) =>
  xs.length
    ? xs
        .slice(0, 3)
        .map((f) => `${f.upload.filename} (${f.upload.id ?? "?"}): ${f.detail}`)
        .join("; ")
    : undefined;

const zoneOfCount = (n: number, max: number): CheckZone =>
  n === 0 ? "pass" : n <= max ? "risk" : "fail";

/** The concurrent burst: failures, the cluster's peak rss, and how fast it went. */
const judgeBurst = (ev: UploadsEvidence) => {
  const b = ev.bounds;
  const burst = ev.uploads.filter((u) => u.phase === "concurrent");
  const failed = burst.filter((u) => u.failure !== null);
  const peaks = rssPeaks(ev.memory, ev.burst);
  const totalMb = peaks.size ? mb([...peaks.values()].reduce((a, x) => a + x, 0)) : null;
  const rssZone: CheckZone =
    totalMb === null
      ? "risk"
      : totalMb < b.rssPassMb
        ? "pass"
        : totalMb > b.rssFailMb
          ? "fail"
          : "risk";
  const ok = burst.filter((u) => u.failure === null);
  const span =
    ok.length > 0
      ? (Math.max(...ok.map((u) => u.endedAt)) - Math.min(...ok.map((u) => u.startedAt))) / 1000
      : 0;
  const bytes = ok.reduce((a, u) => a + u.size, 0);
  const times = ok.map((u) => u.endedAt - u.startedAt);
  const perUpload = ok.map((u) => u.size / MB / Math.max(0.001, (u.endedAt - u.startedAt) / 1000));
  const checks: Check[] = [
    zoned(
      "concurrent",
      "uploads.failures",
      `0 of ${burst.length} at once (RISK 1-${b.failuresMax}, FAIL above ${b.failuresMax})`,
      failed.length,
      zoneOfCount(failed.length, b.failuresMax),
      failed.length
        ? failed
            .slice(0, 3)
            .map((u) => `${u.filename}: ${u.failure}`)
            .join("; ")
        : undefined,
    ),
    zoned(
      "concurrent",
      "uploads.rss_peak_total_mb",
      `each instance's peak rss, summed: below ${b.rssPassMb} MB (FAIL above ${b.rssFailMb} MB)`,
      totalMb,
      rssZone,
      peaks.size
        ? [...peaks].map(([id, bytes]) => `${id} ${mb(bytes)} MB`).join(", ")
        : "no memory samples during the burst: not measured",
    ),
  ];
  const metrics: Metrics = measured({
    "uploads.concurrent_count": burst.length,
    "uploads.size_mb": mb(b.size),
    "uploads.chunk_mb": mb(b.chunkBytes),
    "uploads.failures_count": failed.length,
    "uploads.mb_s": span > 0 ? round(bytes / MB / span, 1) : null,
    "uploads.upload_p50_mb_s": round(percentile(perUpload, 50) ?? 0, 1),
    "uploads.upload_p50_ms": percentile(times, 50),
    "uploads.upload_p95_ms": percentile(times, 95),
    "uploads.rss_peak_total_mb": totalMb,
    ...Object.fromEntries(
      [...peaks].map(([id, bytes]) => [`uploads.${id}.rss_peak_mb`, mb(bytes)]),
    ),
  });
  return { checks, metrics };
};

const retriesOf = (uploads: readonly UploadRecord[]) => uploads.reduce((a, u) => a + u.retries, 0);

/**
 * Seed 004's uploads verdict from the evidence alone: the burst's failures (0; FAIL on
 * more than 3) and peak rss (below 2 GB; FAIL above 3 GB), every upload's stored bytes
 * what was sent (chunk hashes recomputed by Postgres) and its processing job's sha256
 * the one sent, one job completed exactly once per finalized upload, then the soak.
 */
export const judgeUploads = (ev: UploadsEvidence): ProfileResult => {
  const burst = judgeBurst(ev);
  const soak = judgeSoak(ev);
  const i = integrityOfUploads(ev.uploads, ev.stored);
  const checks: Check[] = [
    ...burst.checks,
    check(
      "verify",
      "uploads.stored_as_sent",
      "= 0 uploads whose stored bytes differ from what was sent",
      i.modified.length,
      equals(0),
      sample(i.modified) ??
        `${ev.stored.length} uploads read back, every chunk re-hashed by Postgres`,
    ),
    check(
      "verify",
      "uploads.sha256_verified",
      "= 0 processed uploads whose sha256 is not the one sent",
      i.shaMismatch.length,
      equals(0),
      sample(i.shaMismatch),
    ),
    check(
      "verify",
      "uploads.jobs_completed_once",
      `= 0 of ${i.finalized} finalized uploads without exactly one job completed once`,
      i.notOnce.length,
      equals(0),
      sample(i.notOnce),
    ),
    ...soak.checks,
  ];
  const t0 = ev.burst.from;
  const metrics: Metrics = measured({
    ...burst.metrics,
    "uploads.finalized_count": i.finalized,
    "uploads.stored_modified_count": i.modified.length,
    "uploads.retries_count": retriesOf(ev.uploads),
    "uploads.queue_max_pending_count": ev.queue.length
      ? Math.max(...ev.queue.map((q) => q.pending))
      : null,
    ...soak.metrics,
  });
  const series: Series = {
    "uploads.rss_mb_over_time": encodeSeries(
      ev.memory.map((s) => ({ name: s.instanceId, t: s.at, v: s.rss / MB })),
      t0,
    ),
    "uploads.queue_pending_over_time": encodeSeries(
      ev.queue.map((q) => ({ name: "pending", t: q.at, v: q.pending })),
      t0,
    ),
  };
  return { checks, metrics, notes: { "uploads.bytes": ev.source }, series };
};
