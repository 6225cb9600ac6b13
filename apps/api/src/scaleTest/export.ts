import { splitReadings } from "@scaleproof/core/scale-test/metrics/split";
import {
  EXPORT_SCHEMA_VERSION,
  type RunExport,
  runExport,
} from "@scaleproof/core/scale-test/schema";
import { runEvidence } from "@scaleproof/core/scale-test/verdict/schema";
import { getScaleTestRunEvidence } from "@scaleproof/db/queries/getScaleTestRunEvidence";
import type { ScaleTestRunRow } from "@scaleproof/db/queries/scaleTestRunRow";
import { summariseScaleTestEvents } from "@scaleproof/db/queries/summariseScaleTestEvents";
import type { InstanceDeps } from "../deps.ts";

/**
 * The versioned JSON export of one run, checked against its own schema before it leaves,
 * with the evidence its checks were judged from (null when none was recorded, or it no
 * longer reads as this version's evidence: the export never fails for it).
 */
export const buildRunExport = async (
  deps: InstanceDeps,
  row: ScaleTestRunRow,
): Promise<RunExport> => {
  const events = await summariseScaleTestEvents(deps.sql, row.id);
  const raw = await getScaleTestRunEvidence(deps.sql, row.id);
  const stored = runEvidence.safeParse(raw);
  if (raw !== null && !stored.success) {
    // exported as null, but never silently: the first fields that did not read
    const issues = stored.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    deps.log.warn(
      { event: "export_evidence_unreadable", runId: row.id, issues },
      "a run's stored evidence does not read as this version's: exported as null",
    );
  }
  const provider =
    deps.env.BARS_PROVIDER === "replay"
      ? "replay upstream (real recorded bars)"
      : `databento (${new URL(deps.env.DATABENTO_BASE_URL).host})`;
  return runExport.parse({
    schemaVersion: EXPORT_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    run: {
      id: row.id,
      profile: row.profile,
      status: row.status,
      verdict: row.verdict,
      reason: row.reason,
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      finishedAt: row.finished_at?.toISOString() ?? null,
    },
    parameters: row.params,
    environment: {
      targetUrl: row.target_url,
      provider,
      runner: {
        instanceId: row.runner_instance_id,
        bootId: row.runner_boot_id,
        version: row.runner_version,
      },
      instancesSeen: events.instances,
    },
    checks: row.checks,
    // the run's live record as v2 documents it: metrics (numbers with units), notes, series
    ...splitReadings(row.metrics),
    events: { total: events.total, byKind: events.byKind, byStep: events.byStep },
    evidence: stored.success ? stored.data : null,
  });
};
