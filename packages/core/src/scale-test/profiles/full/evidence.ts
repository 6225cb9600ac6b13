import type { Answer } from "../../data.ts";

/** p95 at a fixed rate with the balancer narrowed to one instance, then with all of them. */
export interface ScalingEvidence {
  readonly ratePerS: number;
  readonly one: readonly Answer[];
  readonly all: readonly Answer[];
}
