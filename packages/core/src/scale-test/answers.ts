import type { Answer, TargetResponse } from "./data.ts";

/** Pure helpers over recorded answers, shared by the judges. */

export const answered = (response: TargetResponse): Answer => ({ _tag: "Answered", response });

export const responsesOf = (answers: readonly Answer[]): TargetResponse[] =>
  answers.flatMap((a) => (a._tag === "Answered" ? [a.response] : []));

/** How a failed answer reads in a check's detail: `503 MEMORY_PRESSURE`, `unreachable: …`. */
export const describeAnswer = (a: Answer): string =>
  a._tag === "Answered"
    ? `${a.response.status} ${a.response.errorCode ?? ""}`.trim()
    : `unreachable: ${a.message}`;

/** The first few failures, joined for a check's detail; undefined when there are none. */
export const sampleFailures = (failed: readonly Answer[], n = 5): string | undefined =>
  failed.length ? failed.slice(0, n).map(describeAnswer).join("; ") : undefined;
