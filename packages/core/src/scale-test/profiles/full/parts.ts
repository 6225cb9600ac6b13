import { Clock, Effect } from "effect";
import type { Profile } from "../../profile.ts";
import { type Plan, reportAt } from "../../progress/plan.ts";
import type { RunParams } from "../../schema.ts";
import { Progress } from "../../services/progress.ts";
import type { PartEvidence } from "../../verdict/evidence.ts";
import { prefixed } from "./judge.ts";
import { partParams } from "./plan.ts";

/**
 * Runs one part with its share of the duration, its progress placed in the full plan
 * (`jobs/execute`, weighted by planned time, elapsed since the full run started) and its
 * checks and metrics reported under its name.
 */
export const runPart = Effect.fn("fullProfile.part")(function* (
  part: Profile,
  params: RunParams,
  plan: Plan,
  startedAt: number,
) {
  const progress = yield* Progress;
  const scoped = Progress.of({
    report: (r) =>
      Clock.currentTimeMillis.pipe(
        Effect.flatMap((now) =>
          progress.report(
            reportAt(plan, `${part.name}/${r.step}`, r.stepFraction, now - startedAt),
          ),
        ),
      ),
    check: (c) => progress.check(prefixed(part.name, c)),
    metric: (name, value) => progress.metric(`${part.name}/${name}`, value),
    observe: (step, r, label) => progress.observe(`${part.name}/${step}`, r, label),
  });
  const { evidence, ...result } = yield* part
    .run(partParams(params, part))
    .pipe(Effect.provideService(Progress, scoped));
  // A part's own evidence (a part is never a full run itself).
  const parts: readonly PartEvidence[] =
    evidence === undefined ? [] : evidence.profile === "full" ? evidence.parts : [evidence];
  return { name: part.name, result, evidence: parts };
});
