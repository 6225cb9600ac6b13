/**
 * The forgery case's own check: every forged request an instance read (and so judged,
 * since it carried a run id without the runner's signature) must show in the run's
 * `invalid_evidence` count, no more and no fewer. Fewer: some were counted as the run's
 * evidence, or their count was lost; more: something else was refused as forged (the
 * runner's own signed requests?) or another party forged too. Either way the deployment's
 * claim that forgery can neither add to nor subtract from a run's evidence is not shown.
 */

/** What became of one forged request, from its answer. */
export type ForgedAnswer =
  /** An instance read its run tag: served (200), or shed (503 MEMORY_PRESSURE), both after the tag was judged. */
  | "read"
  /** Refused before the tag was read (429 rate limited, 400): not counted, by design. */
  | "refused"
  /** No instance's answer (the balancer's 5xx, a timeout, a reset): it may or may not have been counted. */
  | "unknown";

export const forgedAnswer = (status: number | null, code: string | null): ForgedAnswer => {
  if (status === 200 || (status === 503 && code === "MEMORY_PRESSURE")) return "read";
  if (status === 429 || status === 400) return "refused";
  return "unknown";
};

/** The forged requests sent during a run, by answer, and what the deployment counted. */
export interface Forgery {
  readonly read: number;
  readonly refused: number;
  readonly unknown: number;
  /** The run's `invalid_evidence` after the run and the forgery ended; null: not readable. */
  readonly counted: number | null;
}

export const tallyForgery = (
  answers: readonly ForgedAnswer[],
  counted: number | null,
): Forgery => ({
  read: answers.filter((a) => a === "read").length,
  refused: answers.filter((a) => a === "refused").length,
  unknown: answers.filter((a) => a === "unknown").length,
  counted,
});

/** Pure: did the deployment count exactly the forged requests it read? Why not, in words. */
export const judgeForgery = (f: Forgery | undefined): { ok: boolean; detail: string } => {
  if (!f) return { ok: false, detail: "no forged request sent: forgery not exercised" };
  const sent = `${f.read} forged requests read by an instance`;
  if (f.read === 0) return { ok: false, detail: `${sent}: forgery not exercised` };
  if (f.unknown > 0)
    return {
      ok: false,
      detail: `${f.unknown} forged requests got no instance's answer (counted or not, unknown): the count cannot be compared, not proven`,
    };
  if (f.counted === null)
    return { ok: false, detail: `${sent}, the run's invalid_evidence unreadable: not proven` };
  if (f.counted < f.read)
    return {
      ok: false,
      detail: `${sent}, ${f.counted} counted as invalid_evidence: ${f.read - f.counted} not counted (taken as the run's evidence, or their count lost)`,
    };
  if (f.counted > f.read)
    return {
      ok: false,
      detail: `${sent}, ${f.counted} counted as invalid_evidence: ${f.counted - f.read} more than forged (the runner's own signed requests refused, or another party forged too)`,
    };
  return { ok: true, detail: `${sent}, all ${f.counted} counted as invalid_evidence` };
};
