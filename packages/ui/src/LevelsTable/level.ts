/** One load level as the UI shows it (the shape of core's `LevelRow`, what the tables read). */
export interface LevelView {
  readonly name: string;
  readonly kind: string;
  readonly status: "running" | "judged";
  readonly offeredRps: number;
  readonly durationS: number;
  readonly gate: { readonly achievedPct: number; readonly p95Ms: number };
  readonly achievedRps: number | null;
  readonly achievedPct: number | null;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly errorPct: number | null;
  readonly verdict: "PASS" | "RISK" | "FAIL" | "RUNNER" | null;
  readonly failed: readonly string[];
  readonly runner: string | null;
  readonly zones: Readonly<Record<string, ZoneReading>> | null;
}

export interface ZoneReading {
  readonly value: number | null;
  readonly zone: "STABLE" | "RISK" | "FAIL" | null;
  readonly instance: string | null;
  readonly note: string | null;
}

export const ZONE_COLOR = { STABLE: "green", RISK: "orange", FAIL: "red" } as const;

/** `12.3`, `—` for nothing measured yet. */
export const fmt = (n: number | null | undefined, digits = 1): string =>
  n === null || n === undefined ? "—" : String(Math.round(n * 10 ** digits) / 10 ** digits);
