import { zoneOf } from "../check.ts";
import type { Check } from "../schema.ts";

/** One check as stored next to the same check re-computed (null: absent on that side). */
export interface CheckAgreement {
  readonly name: string;
  readonly stored: Check | null;
  readonly recomputed: Check | null;
  /** Same substance: present on both sides, same PASS/FAIL, same zone, same measured value. */
  readonly agrees: boolean;
  /**
   * Wording that differs while the substance agrees ("expected text differs: ..."): an
   * export made before a line's wording changed (e.g. the k6 thresholds' "(default)"
   * annotations) still agrees, and says what changed.
   */
  readonly notes: readonly string[];
}

/** The fields a reader may word differently over versions; never what was measured. */
const WORDING = ["expected", "detail", "step"] as const;

const wordingNotes = (a: Check, b: Check): string[] =>
  WORDING.filter((k) => a[k] !== b[k]).map(
    (k) =>
      `${k === "expected" ? "expected text" : k} differs: stored ${JSON.stringify(a[k] ?? null)}, re-judged ${JSON.stringify(b[k] ?? null)}`,
  );

/** The substance of a check: its PASS/FAIL, its tier and the value it measured. */
const sameSubstance = (a: Check, b: Check): boolean =>
  a.pass === b.pass && zoneOf(a) === zoneOf(b) && a.actual === b.actual;

/**
 * A stored check against the same check re-judged from the evidence: it agrees when both
 * exist and say the same thing (PASS/FAIL, zone, measured value); wording differences are
 * notes, not disagreement. A check present on one side only disagrees.
 */
export const compareCheck = (
  name: string,
  stored: Check | null,
  recomputed: Check | null,
): CheckAgreement => {
  if (stored === null || recomputed === null) {
    return {
      name,
      stored,
      recomputed,
      agrees: false,
      notes: [stored === null ? "absent from the export" : "absent when re-judged"],
    };
  }
  return {
    name,
    stored,
    recomputed,
    agrees: sameSubstance(stored, recomputed),
    notes: wordingNotes(stored, recomputed),
  };
};

/** Every check by name, stored and re-judged, in stored order then any new ones. */
export const compareChecks = (
  stored: readonly Check[],
  recomputed: readonly Check[],
): CheckAgreement[] => {
  const names = [...new Set([...stored, ...recomputed].map((c) => c.name))];
  return names.map((name) =>
    compareCheck(
      name,
      stored.find((c) => c.name === name) ?? null,
      recomputed.find((c) => c.name === name) ?? null,
    ),
  );
};
