import type { Answer, MemoryPoint } from "../../data.ts";

/** The soak's requests, tallied as they come back (a 30-minute soak keeps no answer it need not). */
export interface Workload {
  /** Requests sent, answered or not. */
  readonly requests: number;
  /** How long each served request (200/202) took, ms. */
  readonly servedMs: readonly number[];
  /** Heavy requests refused 503 MEMORY_PRESSURE (shedding, not an error). */
  readonly shed: number;
  /** Every request neither served nor shed, kept whole. */
  readonly failed: readonly Answer[];
}

/** Growth-rate lines for the leak verdicts, in MB/h, over rolling windows. */
export interface LeakLines {
  readonly failAboveMbPerHour: number;
  /** null: two-tier, PASS unless FAIL (the quick soak cannot certify slow growth). */
  readonly passBelowMbPerHour: number | null;
  readonly windowMs: number;
  readonly stepMs: number;
  /** The series judged (the others are reported in the metrics only). */
  readonly judged: readonly ("heap" | "off_heap" | "external" | "rss")[];
  /**
   * Series whose PASS is certified over the whole soak and its second half rather than
   * per window (see `LeakPolicy.spanPassBelowPerHour`); absent in exports before it.
   */
  readonly spanCertified?: readonly ("heap" | "off_heap" | "external" | "rss")[] | undefined;
}

/**
 * The pressure step: the ballast fault on one instance that is not the runner's own,
 * heavy requests pinned to it while the ballast is held and after it is released.
 */
export interface PressureEvidence {
  /** Why no pressure was applied (no other instance, fault injection off); null when it was. */
  readonly notApplied: string | null;
  readonly instanceId: string | null;
  /** The ballast was sized for this much above the instance's shedding line (0.08: 0.80 -> 0.88). */
  readonly aboveShedBy: number | null;
  /** ms since the epoch; null when not applied. */
  readonly armedAt: number | null;
  readonly releasedAt: number | null;
  /** Heavy requests pinned to the instance while the ballast was held. */
  readonly during: readonly Answer[];
  /** A light request (health) pinned to it while the ballast was held: never shed. */
  readonly light: readonly Answer[];
  /** Heavy requests pinned to it after the release, until it served again (and a few more). */
  readonly after: readonly Answer[];
}

/** Everything the memory profile measured: plain data, judged by `judge.ts`. */
export interface SoakEvidence {
  readonly quick: boolean;
  /** The lines the leak verdicts are judged against (the run's, so a re-judge uses the same). */
  readonly leak: LeakLines;
  /** The judged soak, after the warm-up (ms since the epoch). */
  readonly soak: { readonly from: number; readonly to: number };
  /** Every instance's samples from the warm-up's start to the end of the pressure step. */
  readonly samples: readonly MemoryPoint[];
  readonly workload: Workload;
  /** Requests the instances counted as shed (Redis counter). */
  readonly shedCounted: number;
  readonly pressure: PressureEvidence;
}
