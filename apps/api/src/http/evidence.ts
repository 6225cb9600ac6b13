import { HEADERS } from "@scaleproof/core/wire/headers";
import { z } from "zod";
import type { InstanceDeps } from "../deps.ts";
import { bumpRunCounters } from "../runs/counters.ts";
import { requestLineOf, verifyEvidence } from "../runs/evidenceSignature.ts";

const runHeader = z.strictObject({
  [HEADERS.run]: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ -")
    .optional(),
});

export type RunEvidence =
  | { readonly ok: true; readonly runId: string | undefined }
  | { readonly ok: false; readonly error: z.ZodError };

/** Whether the runner signed this request as a run's evidence (no side effects). */
export const isSignedRunTraffic = (deps: InstanceDeps, req: Request): boolean => {
  const runId = req.headers.get(HEADERS.run);
  // Untagged (nearly every request): no request line to build, no URL to parse.
  if (runId === null) return false;
  return (
    verifyEvidence(
      deps.env.ADMIN_TOKEN,
      runId,
      req.headers.get(HEADERS.runSignature),
      requestLineOf(req.method, req.url),
    ).kind === "valid"
  );
};

const UNTAGGED: RunEvidence = { ok: true, runId: undefined };

/**
 * The run a request is evidence of. A malformed run id is a 400; a tag without the
 * runner's valid signature counts as no evidence at all (the request is served as an
 * ordinary one) and is counted against that run as `invalid_evidence`, so forging can
 * neither add to nor subtract from a run's evidence, yet shows.
 */
export const runEvidenceOf = async (deps: InstanceDeps, req: Request): Promise<RunEvidence> => {
  const tag = req.headers.get(HEADERS.run);
  if (tag === null) return UNTAGGED;
  const parsed = runHeader.safeParse({ [HEADERS.run]: tag });
  if (!parsed.success) return { ok: false, error: parsed.error };
  const verdict = verifyEvidence(
    deps.env.ADMIN_TOKEN,
    parsed.data[HEADERS.run],
    req.headers.get(HEADERS.runSignature),
    requestLineOf(req.method, req.url),
  );
  if (verdict.kind === "valid") return { ok: true, runId: verdict.runId };
  if (verdict.kind === "invalid") {
    deps.log.warn(
      { event: "invalid_evidence", runId: verdict.runId, reason: verdict.reason },
      "a request claimed to be run evidence without a valid signature; not counted",
    );
    await bumpRunCounters(deps.redis, verdict.runId, ["invalid_evidence"]).catch(() => {});
  }
  return UNTAGGED;
};
