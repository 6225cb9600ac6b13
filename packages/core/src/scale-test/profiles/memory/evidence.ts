import type { Answer, MemoryPoint } from "../../data.ts";

/** Everything the memory profile measured: plain data, judged by `judge.ts`. */
export interface SoakEvidence {
  /** Quick runs judge with shorter windows and a looser leak threshold. */
  readonly quick: boolean;
  /** Every instance's samples from this soak's start on (earlier parts of a full run are not ours). */
  readonly samples: readonly MemoryPoint[];
  /** Every request of the workload, answered or not. */
  readonly answers: readonly Answer[];
  /** Requests the instances counted as shed (Redis counter). */
  readonly shedCounted: number;
}
