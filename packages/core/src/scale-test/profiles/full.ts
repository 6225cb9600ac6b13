import { Effect } from "effect";
import { check, type ProfileResult, verdictOf } from "../check.ts";
import type { Profile } from "../profile.ts";
import type { Check, Metrics, RunParams } from "../schema.ts";
import { Progress } from "../services.ts";
import { cacheProfile } from "./cache.ts";
import { jobsProfile } from "./jobs.ts";
import { memoryProfile } from "./memory.ts";

const PARTS = [cacheProfile, jobsProfile, memoryProfile] as const;

/**
 * Seed PROFILE 4: cache -> jobs -> memory in sequence, and one verdict:
 * SCALE_READY = cache shared AND stampede AND jobs AND memory. Each part's checks and
 * metrics are kept under its name (`cache/stampede.provider_fetch`). The optional
 * "p95 improves with 2 instances" needs a runner that can change the instance count;
 * this one cannot, and says so ("not measured") rather than guessing.
 */
export const fullProfile: Profile = {
  name: "full",
  title: "Full scale readiness",
  defaultDurationMin: 60,
  steps: PARTS.flatMap((p) => p.steps.map((s) => `${p.name}/${s}`)).concat("verdict"),
  run: (params) => runFull(params),
};

const runFull = Effect.fn("fullProfile")(function* (params: RunParams) {
  const progress = yield* Progress;
  const checks: Check[] = [];
  const metrics: Metrics = {};
  const verdicts: Record<string, readonly Check[]> = {};
  // the seed's 60 minutes, split 10 / 15 / 35 unless a duration is given
  const total = params.durationMin ?? fullProfile.defaultDurationMin;
  const share = { cache: 10 / 60, jobs: 15 / 60, memory: 35 / 60 } as const;
  for (const [index, part] of PARTS.entries()) {
    const scoped = Progress.of({
      step: (name, fraction) =>
        progress.step(`${part.name}/${name}`, (index + fraction) / PARTS.length),
      check: (c) =>
        progress.check({ ...c, name: `${part.name}/${c.name}`, step: `${part.name}/${c.step}` }),
      metric: (name, value) => progress.metric(`${part.name}/${name}`, value),
      observe: (step, r, label) => progress.observe(`${part.name}/${step}`, r, label),
    });
    const result = yield* part
      .run({
        ...params,
        profile: part.name,
        durationMin: total * share[part.name as keyof typeof share],
      })
      .pipe(Effect.provideService(Progress, scoped));
    verdicts[part.name] = result.checks;
    for (const c of result.checks)
      checks.push({ ...c, name: `${part.name}/${c.name}`, step: `${part.name}/${c.step}` });
    for (const [k, v] of Object.entries(result.metrics)) metrics[`${part.name}/${k}`] = v;
    yield* progress.metric(`verdict.${part.name}`, verdictOf(result.checks));
    metrics[`verdict.${part.name}`] = verdictOf(result.checks);
  }
  yield* progress.step("verdict", 0.99);
  const passed = (part: string, prefix?: string) =>
    (verdicts[part] ?? [])
      .filter((c) => prefix === undefined || c.name.startsWith(prefix))
      .every((c) => c.pass) && (verdicts[part] ?? []).length > 0;
  const failedNames = (part: string, prefix?: string) =>
    (verdicts[part] ?? [])
      .filter((c) => !c.pass && (prefix === undefined || c.name.startsWith(prefix)))
      .map((c) => `${part}/${c.name}`)
      .join(", ");
  const component = (name: string, part: string, prefix?: string) =>
    check(
      "verdict",
      name,
      "PASS",
      passed(part, prefix) ? "PASS" : "FAIL",
      (a) => a === "PASS",
      failedNames(part, prefix) || undefined,
    );
  const components = [
    component("ready.cache_shared", "cache", "cross."),
    component("ready.stampede", "cache", "stampede."),
    component("ready.cache", "cache"),
    component("ready.jobs", "jobs"),
    component("ready.memory", "memory"),
  ];
  for (const c of components) {
    checks.push(c);
    yield* progress.check(c);
  }
  const ready = components.every((c) => c.pass);
  metrics.scale_ready = ready ? "YES" : "NO";
  metrics["scaling.p95_1_vs_2_instances"] =
    "not measured: this runner cannot change the instance count";
  yield* progress.metric("scale_ready", metrics.scale_ready);
  return { checks, metrics } satisfies ProfileResult;
});
