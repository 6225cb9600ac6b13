import type { KnobsInput, KnobsView, ReplayControl } from "@scaleproof/replay/client";
import { Effect } from "effect";
import type { Logger } from "pino";

type Rule = NonNullable<KnobsInput["rules"]>[number];

/** A rule as the replay shows it, back as input (failures left, not the original count). */
const asInput = (r: KnobsView["rules"][number]): Rule => ({
  ...(r.match ? { match: r.match } : {}),
  ...(r.latencyMs === undefined ? {} : { latencyMs: r.latencyMs }),
  ...(r.fail && r.fail.remaining > 0
    ? {
        fail: {
          status: r.fail.status as 429 | 500 | 502 | 503 | 504,
          count: r.fail.remaining,
          ...(r.fail.status === 429 ? { retryAfterSec: r.fail.retryAfterSec } : {}),
        },
      }
    : {}),
});

/**
 * The replay's latency knob for one range, for the scope's lifetime: its rule goes first
 * (the first matching rule's latency wins), the rules in force before stay behind it and
 * come back alone when the scope closes. True once the knob is set; false (logged) when
 * the replay refused, and the run measures the fetch as it is.
 */
export const slowReplayFetches = (
  replay: ReplayControl,
  match: { symbol: string; start: string; end: string },
  latencyMs: number,
  log: Logger,
) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      try {
        const before = (await replay.knobs()).rules.map(asInput);
        await replay.setKnobs({ rules: [{ match, latencyMs }, ...before] });
        return { set: true, before };
      } catch (error) {
        log.warn({ err: error }, "could not set the replay upstream's latency knob");
        return { set: false, before: [] };
      }
    }),
    ({ set, before }) =>
      set
        ? Effect.promise(() =>
            replay.setKnobs({ rules: before }).catch((error: unknown) => {
              log.warn({ err: error }, "could not restore the replay upstream's knobs");
            }),
          )
        : Effect.void,
  ).pipe(Effect.map(({ set }) => set));
