import { Clock, Duration, Effect, Fiber, Schedule } from "effect";
import { pollUntil } from "../../poll.ts";
import type { Judged, Profile } from "../../profile.ts";
import { makeTracker } from "../../progress/tracker.ts";
import { publish } from "../../publish.ts";
import type { RunParams } from "../../schema.ts";
import { MemoryEvidence } from "../../services/memoryEvidence.ts";
import { Target } from "../../services/target.ts";
import { Uploads } from "../../services/uploads.ts";
import type { JobStatus, QueueSample, UploadSpec } from "./data.ts";
import type { UploadRecord, UploadsEvidence } from "./evidence.ts";
import { judgeUploads } from "./judge.ts";
import { UPLOADS_DEFAULT_MIN, type UploadsSettings, uploadsPlan, uploadsSettings } from "./plan.ts";
import { uploadOne } from "./upload.ts";

/**
 * Seed 004's uploads: 12 large uploads at once through the balancer, streamed chunk by
 * chunk into Postgres, then a soak of uploads one after another; judged on failures,
 * rss, stored bytes against sent bytes, one processing job per upload, and stability.
 */
export const uploadsProfile: Profile = {
  name: "uploads",
  title: "Large uploads",
  defaultDurationMin: UPLOADS_DEFAULT_MIN,
  plan: uploadsPlan,
  run: (params) => runUploads(params),
};

const specOf = (runId: string, s: UploadsSettings, index: number): UploadSpec => ({
  index,
  filename: `${runId}-${String(index).padStart(3, "0")}.bin`,
  size: s.size,
  chunkBytes: s.chunkBytes,
});

const ended = (s: { readonly jobStatus: JobStatus }) =>
  s.jobStatus === "completed" || s.jobStatus === "failed";

/** Until every finalized upload's processing job has ended, or the wait runs out. */
const awaitJobs = (records: readonly UploadRecord[], waitMs: number) =>
  Uploads.use((uploads) => {
    const finalized = records.flatMap((r) => (r.jobId !== null && r.id ? [r.id] : []));
    return pollUntil(
      uploads.jobs(finalized),
      (jobs) => jobs.every(ended),
      "500 millis",
      Duration.millis(waitMs),
    );
  });

const idsOf = (records: readonly UploadRecord[]) =>
  records.flatMap((r) => (r.id === null ? [] : [r.id]));

/** The soak: `n` uploads started evenly over `soakMs` (open loop: a slow one never delays the next). */
const soakStep = (runId: string, s: UploadsSettings, first: number) =>
  Effect.suspend(() => {
    const every = s.soakMs / s.soakUploads;
    return Effect.forEach(
      Array.from({ length: s.soakUploads }, (_, k) => k),
      (k) =>
        Effect.sleep(Duration.millis(Math.round(k * every))).pipe(
          Effect.andThen(uploadOne(specOf(runId, s, first + k), "soak")),
        ),
      { concurrency: "unbounded" },
    );
  });

const runUploads = Effect.fn("uploadsProfile")(function* (params: RunParams) {
  const s = uploadsSettings(params);
  const tracker = yield* makeTracker(uploadsPlan(params));
  const uploads = yield* Uploads;
  const memory = yield* MemoryEvidence;
  const { runId } = yield* Target;
  const sampleMs = memory.sampleEveryMs(params.quick);

  yield* tracker.at("setup");
  const queue: QueueSample[] = [];
  const sampler = yield* Effect.forkChild(
    uploads.queue.pipe(
      Effect.tap((q) => Effect.sync(() => q && queue.push(q))),
      Effect.repeat(Schedule.spaced("1 second")),
    ),
  );
  const body = Effect.gen(function* () {
    yield* tracker.at("concurrent");
    const from = yield* Clock.currentTimeMillis;
    const records: UploadRecord[] = [
      ...(yield* Effect.forEach(
        Array.from({ length: s.concurrent }, (_, i) => specOf(runId, s, i)),
        (spec) => uploadOne(spec, "concurrent"),
        { concurrency: "unbounded" },
      )),
    ];
    yield* tracker.at("process");
    yield* awaitJobs(records, s.processWaitMs);
    const burst = { from, to: yield* Clock.currentTimeMillis };

    let soak: UploadsEvidence["soak"] = null;
    if (s.soakUploads > 0) {
      yield* tracker.at("soak");
      const soakFrom = yield* Clock.currentTimeMillis;
      records.push(...(yield* soakStep(runId, s, s.concurrent)));
      soak = { from: soakFrom, to: yield* Clock.currentTimeMillis };
    }

    yield* tracker.at("verify");
    yield* awaitJobs(records, s.processWaitMs);
    const stored = yield* uploads.stored(idsOf(records));
    // two sampling intervals: the instances' last memory samples have landed
    yield* Effect.sleep(Duration.millis(2 * sampleMs));
    const ev: UploadsEvidence = {
      source: uploads.source,
      bounds: {
        concurrent: s.concurrent,
        size: s.size,
        chunkBytes: s.chunkBytes,
        failuresMax: s.failuresMax,
        rssPassMb: s.rssPassMb,
        rssFailMb: s.rssFailMb,
        soakUploads: s.soakUploads,
        soakMs: s.soakMs,
        soakFailurePct: s.soakFailurePct,
        soakTimeDriftPct: s.soakTimeDriftPct,
        rssPolicy: s.rssPolicy,
      },
      burst,
      soak,
      uploads: records,
      stored,
      queue,
      memory: yield* memory.samples,
    };
    const result = yield* publish(judgeUploads(ev));
    yield* tracker.at("verdict");
    return { ...result, evidence: { profile: "uploads", uploads: ev } } satisfies Judged;
  });
  return yield* body.pipe(Effect.ensuring(Fiber.interrupt(sampler)));
});
