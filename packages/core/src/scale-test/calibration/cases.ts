import type { ProfileName } from "../schema.ts";

/** A planted defect: the fault switch that plants it, and how the profile is run against it. */
export interface CalibrationCase {
  readonly id: string;
  /** What is broken, in a sentence a reader of the matrix understands. */
  readonly defect: string;
  readonly profile: ProfileName;
  /** Run parameters besides `profile` and `quick` (e.g. a zombie for the fencing case). */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * The fault to switch on for the run; `instance: "other"` aims it at an instance that
   * is not the runner's; null for the healthy control and for the forgery case.
   */
  readonly fault: {
    readonly name: string;
    readonly params?: Readonly<Record<string, number | string | boolean>>;
    readonly instance?: "other";
  } | null;
  /**
   * What a trustworthy harness does: FAIL the run (a defect it exists to catch), PASS it
   * (the healthy control), or PASS it despite anonymous forged evidence sent during the
   * run (forgery can neither add to nor subtract from a run's evidence).
   */
  readonly expect: "FAIL" | "PASS" | "PASS_DESPITE_FORGERY";
  /**
   * The checks the defect exists to trip: its FAIL counts as caught only when one of
   * them FAILed (a FAIL for another reason, e.g. the crash, proves nothing about it).
   */
  readonly catches?: readonly string[];
}

/**
 * A zombie, with the default crash: the jobs profile aims the stall at the runner's own
 * worker and the crash (which spares the runner) at another instance, so the zombie
 * lives to complete late and its fencing is reached.
 */
const ZOMBIE = { stall: true } as const;

/**
 * The forgery case runs without the crash: a forged GET in flight on the instance the
 * crash kills may be counted there and again on the instance the balancer retries it on,
 * and the forged requests read must match the run's invalid_evidence count exactly.
 */
const NO_CRASH = { crash: false } as const;

/**
 * Every defect the profiles exist to catch, partial ones included (one layer of two
 * broken, the smallest leak rate claimed), plus a healthy control per profile. A YES is
 * only as good as this matrix. A defect case runs with the same parameters as a control
 * of its profile, so a FAIL is the fault's doing.
 */
export const CALIBRATION_CASES: readonly CalibrationCase[] = [
  {
    id: "control.cache",
    defect: "none (healthy control)",
    profile: "cache",
    fault: null,
    expect: "PASS",
  },
  {
    id: "cache.no-redis-lock",
    defect: "cross-instance lock broken, single-flight kept",
    profile: "cache",
    fault: { name: "cache-no-redis-lock" },
    expect: "FAIL",
    catches: ["stampede.provider_fetch", "stampede.released_after_fill", "stampede.overlap"],
  },
  {
    id: "cache.no-single-flight",
    defect: "single-flight broken, cross-instance lock kept",
    profile: "cache",
    fault: { name: "cache-no-single-flight" },
    expect: "FAIL",
    catches: ["stampede.single_flight"],
  },
  {
    id: "cache.forgery",
    defect:
      "anonymous requests forging run evidence during the run (each must count as invalid_evidence)",
    profile: "cache",
    params: NO_CRASH,
    fault: null,
    expect: "PASS_DESPITE_FORGERY",
  },
  {
    id: "control.jobs",
    defect: "none (healthy control)",
    profile: "jobs",
    fault: null,
    expect: "PASS",
  },
  {
    id: "control.jobs-zombie",
    defect:
      "none (healthy control: a crash on one instance, a stalled worker on the runner's completing late, fenced off)",
    profile: "jobs",
    params: ZOMBIE,
    fault: null,
    expect: "PASS",
  },
  {
    id: "jobs.no-fence",
    defect: "lease fencing off (a zombie's late completion accepted)",
    profile: "jobs",
    params: ZOMBIE,
    fault: { name: "jobs-no-fence" },
    expect: "FAIL",
    catches: ["stall.zombie_completion_rejected", "jobs.duplicates"],
  },
  {
    id: "jobs.claim-live",
    defect: "claims ignore live leases (fencing kept)",
    profile: "jobs",
    fault: { name: "jobs-claim-live" },
    expect: "FAIL",
    catches: ["jobs.overlapping_attempts", "jobs.retry_before_lease_expired"],
  },
  {
    id: "control.memory",
    defect: "none (healthy control)",
    profile: "memory",
    fault: null,
    expect: "PASS",
  },
  {
    id: "memory.heap-leak",
    defect: "heap leak at the smallest claimed rate (2 MB/min)",
    profile: "memory",
    fault: { name: "leak", params: { kbPerSec: 35 }, instance: "other" },
    expect: "FAIL",
    catches: ["memory.leak.heap"],
  },
  {
    id: "memory.offheap-leak",
    defect: "off-heap (Buffer) leak at the smallest claimed rate (2 MB/min)",
    profile: "memory",
    fault: { name: "leak-offheap", params: { kbPerSec: 35 }, instance: "other" },
    expect: "FAIL",
    catches: ["memory.leak.off_heap"],
  },
  {
    id: "memory.shed-off",
    defect: "load shedder off",
    profile: "memory",
    fault: { name: "shed-off" },
    expect: "FAIL",
    catches: ["memory.sheds_instead_of_crashing"],
  },
];
