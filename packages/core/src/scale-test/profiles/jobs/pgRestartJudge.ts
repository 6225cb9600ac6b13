import { atLeast, check, type ProfileResult } from "../../check.ts";
import type { JobsEvidence } from "./evidence.ts";

/**
 * Postgres restarted mid-run: it must have hit jobs in flight (accepted, not yet finished
 * when it went down), or it proved nothing; the history checks (lost = 0, duplicates = 0)
 * then judge what it did to them. Not restartable: "not measured", and no check.
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
  const accepted = ev.waves[0]?.accepted ?? [];
  const finished = new Set(
    ev.history.events.filter((e) => e.kind === "finish" && e.at < downAt).map((e) => e.jobId),
  );
  const inFlight = accepted.filter((id) => !finished.has(id)).length;
  return {
    checks: [
      check(
        "execute",
        "pg_restart.jobs_in_flight",
        ">= 1 job accepted and not finished when Postgres went down",
        inFlight,
        atLeast(1),
        `${finished.size} of ${accepted.length} first-wave jobs had finished before it`,
      ),
    ],
    metrics: { "pg_restart.down_ms": upAt - downAt, "pg_restart.jobs_in_flight_count": inFlight },
  };
};
