import { z } from "zod";
import { requestMatch } from "./match.ts";

const failure = z.strictObject({
  status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
  /** How many of the next matching get_range requests fail. */
  count: z.int().min(1).max(1_000_000),
  /** The Retry-After a 429 carries (default 1). */
  retryAfterSec: z.int().min(0).max(3_600).optional(),
});

const ruleFields = {
  match: requestMatch.optional(),
  latencyMs: z.int().min(0).max(600_000).optional(),
  fail: failure.optional(),
};

const retryAfterOnlyOn429 = (
  r: { fail?: { status: number; retryAfterSec?: number | undefined } | undefined },
  ctx: z.RefinementCtx,
) => {
  if (r.fail?.retryAfterSec !== undefined && r.fail.status !== 429) {
    ctx.addIssue({
      code: "custom",
      path: ["fail", "retryAfterSec"],
      message: "only a 429 carries Retry-After",
    });
  }
};

const rule = z.strictObject(ruleFields).superRefine(retryAfterOnlyOn429);

/**
 * `POST /_replay/knobs` takes one rule (`{match?, latencyMs?, fail?}`) or `{rules: [...]}`;
 * either replaces every rule set before. `{}` clears them. One flat object (not a union)
 * so a bad value is reported at its own field.
 */
export const knobsBody = z
  .strictObject({ ...ruleFields, rules: z.array(rule).max(100).optional() })
  .superRefine(retryAfterOnlyOn429)
  .superRefine((b, ctx) => {
    if (b.rules && (b.match || b.latencyMs !== undefined || b.fail)) {
      ctx.addIssue({
        code: "custom",
        path: ["rules"],
        message: "give either rules or one rule's fields, not both",
      });
    }
  });

export type KnobsBody = z.infer<typeof knobsBody>;
