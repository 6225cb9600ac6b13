import { insertCalibration } from "@scaleproof/db/queries/insertCalibration";
import { latestCalibration } from "@scaleproof/db/queries/latestCalibration";
import { z } from "zod";
import { readRunCounters } from "../../runs/counters.ts";
import { adminProcedure, router } from "../trpc.ts";

const row = z.strictObject({
  caseId: z.string().max(80),
  defect: z.string().max(300),
  profile: z.string().max(40),
  expected: z.enum(["FAIL", "PASS", "PASS_DESPITE_FORGERY"]),
  verdict: z.enum(["PASS", "RISK", "FAIL"]).nullable(),
  outcome: z.enum(["caught", "missed", "passed", "false alarm", "no verdict"]),
  failedChecks: z.array(z.string().max(200)).max(200),
  runId: z.string().max(80).nullable(),
  detail: z.string().max(500).optional(),
});

/** The matrix `scaleproof calibrate` produced, as it records it (admin-only). */
const recordInput = z.strictObject({
  quick: z.boolean(),
  matrix: z.strictObject({
    rows: z.array(row).max(100),
    trustworthy: z.boolean(),
    counts: z.record(z.string(), z.number().int().min(0)),
  }),
});

/** The harness's own confusion matrix: recorded by `scaleproof calibrate`, shown by the UI. */
export const calibrationRouter = router({
  record: adminProcedure.input(recordInput).mutation(async ({ ctx, input }) => {
    // Trustworthy is recomputed here, never taken on the caller's word.
    const trustworthy = input.matrix.rows.every(
      (r) => r.outcome === "caught" || r.outcome === "passed",
    );
    return await insertCalibration(ctx.deps.sql, {
      quick: input.quick,
      trustworthy,
      matrix: { ...input.matrix, trustworthy },
    });
  }),
  /**
   * A run's `invalid_evidence` count (requests that claimed the run without the runner's
   * signature): the forgery case compares it with the forged requests it sent.
   */
  invalidEvidence: adminProcedure
    .input(z.strictObject({ runId: z.string().min(1).max(80) }))
    .query(async ({ ctx, input }) => ({
      invalidEvidence: (await readRunCounters(ctx.deps.redis, input.runId)).invalid_evidence,
    })),
  latest: adminProcedure.query(async ({ ctx }) => {
    const row = await latestCalibration(ctx.deps.sql);
    if (!row) return null;
    return {
      id: row.id,
      recordedAt: row.recorded_at.toISOString(),
      quick: row.quick,
      trustworthy: row.trustworthy,
      matrix: row.matrix as z.output<typeof recordInput>["matrix"],
    };
  }),
});
