import type { KnobsView } from "./controlApi.ts";
import type { KnobsBody } from "./knobsSchema.ts";
import { matches, type RequestMatch } from "./match.ts";
import type { RequestKey } from "./requestLog.ts";

interface ActiveRule {
  readonly match: RequestMatch | undefined;
  readonly latencyMs: number | undefined;
  readonly fail:
    | {
        readonly status: number;
        readonly count: number;
        readonly retryAfterSec: number;
        remaining: number;
      }
    | undefined;
}

export interface Effect {
  readonly latencyMs: number;
  readonly fail: { readonly status: number; readonly retryAfterSec: number } | undefined;
}

export class Knobs {
  #rules: ActiveRule[] = [];

  readonly defaultLatencyMs: number;
  constructor(defaultLatencyMs: number) {
    this.defaultLatencyMs = defaultLatencyMs;
  }

  set(body: KnobsBody): void {
    const { rules: list, ...one } = body;
    const rules = list ?? (Object.keys(one).length === 0 ? [] : [one]);
    this.#rules = rules.map((r) => ({
      match: r.match,
      latencyMs: r.latencyMs,
      fail: r.fail && {
        ...r.fail,
        retryAfterSec: r.fail.retryAfterSec ?? 1,
        remaining: r.fail.count,
      },
    }));
  }

  /**
   * What a get_range request gets: the latency of the first matching rule that sets one
   * (else the default), and a failure from the first matching rule with failures left,
   * which this call uses up.
   */
  take(key: RequestKey): Effect {
    const hit = this.#rules.filter((r) => matches(r.match, key));
    const latencyMs =
      hit.find((r) => r.latencyMs !== undefined)?.latencyMs ?? this.defaultLatencyMs;
    const failing = hit.find((r) => r.fail && r.fail.remaining > 0)?.fail;
    if (failing) failing.remaining--;
    return {
      latencyMs,
      fail: failing && { status: failing.status, retryAfterSec: failing.retryAfterSec },
    };
  }

  view(): KnobsView {
    return { defaultLatencyMs: this.defaultLatencyMs, rules: this.#rules };
  }
}
