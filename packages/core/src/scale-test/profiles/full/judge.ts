import { responsesOf } from "../../answers.ts";
import { type ProfileResult, verdictOf, zoned } from "../../check.ts";
import type { Answer } from "../../data.ts";
import { measured } from "../../metrics/split.ts";
import type { Check } from "../../schema.ts";
import { percentile, round } from "../../stats.ts";
import type { ScalingEvidence } from "./evidence.ts";

export interface PartResult {
  readonly name: string;
  readonly result: ProfileResult;
}

/** A part's check as the full profile reports it: `cache/stampede.provider_fetch`. */
export const prefixed = (part: string, c: Check): Check => ({
  ...c,
  name: `${part}/${c.name}`,
  step: `${part}/${c.step}`,
});

const component = (parts: readonly PartResult[], name: string, part: string, prefix = "") => {
  const checks = (parts.find((p) => p.name === part)?.result.checks ?? []).filter((c) =>
    c.name.startsWith(prefix),
  );
  const failed = checks.filter((c) => !c.pass).map((c) => `${part}/${c.name}`);
  // three-tier: the component is as bad as its part's worst check (a part at RISK is RISK)
  const verdict = verdictOf(checks);
  const zone = verdict === "PASS" ? "pass" : verdict === "RISK" ? "risk" : "fail";
  return zoned("verdict", name, "PASS", verdict, zone, failed.join(", ") || undefined);
};

const sample = (answers: readonly Answer[]) => {
  const ok = responsesOf(answers).filter((r) => r.status === 200);
  return {
    p95: percentile(
      ok.map((r) => r.durationMs),
      95,
    ),
    instances: new Set(ok.map((r) => r.instanceId)).size,
    failed: answers.length - ok.length,
  };
};

/**
 * The scaling figures (reported, not gated: on a shared 2-core machine the difference is
 * often noise): p95 on one instance and on all, and their ratio; a note when not measured.
 */
export const scalingMetrics = (
  s: ScalingEvidence | null,
): Pick<ProfileResult, "metrics" | "notes"> => {
  if (s === null) {
    return {
      metrics: {},
      notes: { scaling: "not measured: this runner cannot change the instance count" },
    };
  }
  const one = sample(s.one);
  const all = sample(s.all);
  const r = (n: number | null) => (n === null ? null : round(n));
  return {
    // no key names the instance count: a 3-instance cluster's export reads like a 2-instance one's
    metrics: measured({
      "scaling.rate_per_s": s.ratePerS,
      "scaling.instances_count": all.instances,
      "scaling.p95_one_instance_ms": r(one.p95),
      "scaling.p95_all_instances_ms": r(all.p95),
      "scaling.p95_ratio_one_vs_all":
        one.p95 === null || all.p95 === null ? null : round(one.p95 / Math.max(all.p95, 0.001), 2),
      "scaling.failed_requests_count": one.failed + all.failed,
    }),
    notes:
      one.p95 === null || all.p95 === null
        ? { scaling: "not measured: no successful requests" }
        : {
            scaling: `p95 ${round(one.p95)} ms -> ${round(all.p95)} ms with ${all.instances} instances (${all.p95 < one.p95 ? "improves" : "does not improve"})`,
          },
  };
};

/** SCALE_READY = cache shared AND stampede AND cache AND jobs AND memory, each from its part's checks. */
export const readiness = (parts: readonly PartResult[]): ProfileResult => {
  const checks = [
    component(parts, "ready.cache_shared", "cache", "cross."),
    component(parts, "ready.stampede", "cache", "stampede."),
    component(parts, "ready.cache", "cache"),
    component(parts, "ready.jobs", "jobs"),
    component(parts, "ready.memory", "memory"),
  ];
  return {
    checks,
    metrics: {},
    notes: { scale_ready: checks.every((c) => c.pass) ? "YES" : "NO" },
  };
};

/**
 * Seed PROFILE 4's verdict from the parts' findings alone: every part's checks and
 * metrics under its name, each part's verdict, the readiness components and the
 * scaling figures.
 */
export const judgeFull = (
  parts: readonly PartResult[],
  scaling: ScalingEvidence | null,
): ProfileResult => {
  const ready = readiness(parts);
  const under = <V>(name: string, r: Readonly<Record<string, V>> | undefined) =>
    Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [`${name}/${k}`, v]));
  const scaled = scalingMetrics(scaling);
  return {
    checks: [
      ...parts.flatMap((p) => p.result.checks.map((c) => prefixed(p.name, c))),
      ...ready.checks,
    ],
    metrics: Object.assign(
      {},
      ...parts.map((p) => under(p.name, p.result.metrics)),
      scaled.metrics,
    ),
    notes: Object.assign(
      {},
      ...parts.map((p) => under(p.name, p.result.notes)),
      ...parts.map((p) => ({ [`verdict.${p.name}`]: verdictOf(p.result.checks) })),
      ready.notes,
      scaled.notes,
    ),
    series: Object.assign({}, ...parts.map((p) => under(p.name, p.result.series))),
  };
};
