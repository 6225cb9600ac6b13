import { atLeast, check, type ProfileResult } from "../../check.ts";
import type { JobsEvidence } from "./evidence.ts";

/** The restart's stream: its accepted job ids and refusals (none when it did not run, or in older exports). */
export const streamed = (ev: JobsEvidence) => ({
  accepted: ev.pgRestart?.stream?.accepted.map((j) => j.id) ?? [],
  refused: ev.pgRestart?.stream?.refused ?? [],
});

/**
 * The jobs that had ended when Postgres went down: their last event before it was a
 * finish or a failure, and no attempt started after it (a failed attempt retried, before
 * or after, was not the job's end).
 */
const endedBefore = (events: JobsEvidence["history"]["events"], downAt: number) => {
  const last = new Map<string, JobsEvidence["history"]["events"][number]>();
  const startedAfter = new Set<string>();
  for (const e of events) {
    if (e.at >= downAt) {
      if (e.kind === "start") startedAfter.add(e.jobId);
      continue;
    }
    const seen = last.get(e.jobId);
    if (!seen || e.at >= seen.at) last.set(e.jobId, e);
  }
  const ended = new Set<string>();
  for (const [jobId, e] of last) {
    if ((e.kind === "finish" || e.kind === "failed") && !startedAfter.has(jobId)) ended.add(jobId);
  }
  return ended;
};

/**
 * Postgres restarted mid-run: it must have hit jobs in flight (accepted before it went
 * down, not ended then: queued or running), or it proved nothing; the history checks (lost = 0,
 * duplicates = 0) then judge what it did to them. The first wave was accepted before the
 * restart was asked for; a streamed job counts when its 202 arrived by `downAt` (Postgres
 * accepts nothing while it is down). Not restartable: "not measured", and no check.
 */
export const judgePgRestart = (ev: JobsEvidence): ProfileResult => {
  const r = ev.pgRestart;
  if (r === undefined) return { checks: [], metrics: {} };
  if (r.notRun !== null || r.window === null) {
    return {
      checks: [],
      metrics: {},
      notes: { pg_restart: `not measured: ${r.notRun ?? "not run"}` },
    };
  }
  const { downAt, upAt } = r.window;
  const arrivals = r.stream?.accepted ?? [];
  const wave = ev.waves[0]?.accepted ?? [];
  const streamedBefore = arrivals.filter((j) => j.at <= downAt).map((j) => j.id);
  const before = [...wave, ...streamedBefore];
  const finished = endedBefore(ev.history.events, downAt);
  const inFlight = before.filter((id) => !finished.has(id)).length;
  const done = before.length - inFlight;
  return {
    checks: [
      check(
        "execute",
        "pg_restart.jobs_in_flight",
        ">= 1 job accepted and not finished when Postgres went down",
        inFlight,
        atLeast(1),
        `accepted before it: ${wave.length} of the first wave and ${streamedBefore.length} of the ${arrivals.length} streamed in; ${done} of those had ended by then`,
      ),
    ],
    metrics: {
      "pg_restart.down_ms": upAt - downAt,
      "pg_restart.jobs_in_flight_count": inFlight,
      "pg_restart.streamed_count": arrivals.length,
    },
  };
};
