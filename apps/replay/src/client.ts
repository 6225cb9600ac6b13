import { z } from "zod";
import {
  type HealthResponse,
  healthResponse,
  type KnobsView,
  knobsView,
  resetResponse,
  type StatsResponse,
  statsResponse,
} from "./controlApi.ts";
import type { knobsBody } from "./knobsSchema.ts";
import type { requestMatch } from "./match.ts";

export type { HealthResponse, KnobsView, StatsResponse } from "./controlApi.ts";

/** One rule (`{match?, latencyMs?, fail?}`) or `{rules: [...]}`; `{}` clears every rule. */
export type KnobsInput = z.input<typeof knobsBody>;
/** Which requests to count: symbol as sent, start/end as ISO 8601 or ns; left out matches any. */
export type RequestFilter = z.input<typeof requestMatch>;
export type StatsFilter = RequestFilter & { readonly recent?: number };

/** A `/_replay` route answered with a non-2xx status. */
export class ReplayControlError extends Error {
  override readonly name = "ReplayControlError";
  readonly request: string;
  readonly status: number;
  readonly body: string;
  constructor(request: string, status: number, body: string) {
    super(`${request}: ${status} ${body}`);
    this.request = request;
    this.status = status;
    this.body = body;
  }
}

/** The replay upstream's own evidence and controls (its `/_replay` API, no key). */
export interface ReplayControl {
  readonly url: string;
  /** Datasets, contracts and ranges loaded, and the folder they came from. */
  health(): Promise<HealthResponse>;
  /** The knob rules in force, with the failures each has left. */
  knobs(): Promise<KnobsView>;
  /** Replaces every rule (`{}` clears them); answers the rules now in force. */
  setKnobs(knobs: KnobsInput): Promise<KnobsView>;
  /** Request counts: exact totals and those matching `filter`, plus recent entries. */
  stats(filter?: StatsFilter): Promise<StatsResponse>;
  /** get_range requests the upstream received matching `filter`: the fetch count evidence is checked against. */
  count(filter: RequestFilter): Promise<number>;
  /** Clears counts and the request log (not the knobs). */
  reset(): Promise<void>;
}

export interface ReplayControlOptions {
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

const query = (filter: StatsFilter): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
};

/**
 * A typed client for the replay upstream's control API. Answers are parsed with the
 * server's own schemas (controlApi.ts); a non-2xx answer throws `ReplayControlError`
 * naming the request, status and body; an answer of the wrong shape throws too.
 */
export const replayControl = (
  baseUrl: string | URL,
  options: ReplayControlOptions = {},
): ReplayControl => {
  const timeoutMs = options.timeoutMs ?? 10_000;

  const call = async <S extends z.ZodType>(
    schema: S,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
  ): Promise<z.output<S>> => {
    const url = new URL(path, baseUrl);
    const request = `replay ${method} ${url.pathname}${url.search}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(`${request} (${url.origin}): ${why}`, { cause: error });
    }
    const text = await res.text();
    if (!res.ok) throw new ReplayControlError(request, res.status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${request}: ${res.status} answer is not JSON: ${text.slice(0, 200)}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${request}: unexpected answer: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  };

  const stats = (filter: StatsFilter = {}) =>
    call(statsResponse, "GET", `/_replay/stats${query(filter)}`);

  return {
    url: String(baseUrl),
    health: () => call(healthResponse, "GET", "/_replay/health"),
    knobs: () => call(knobsView, "GET", "/_replay/knobs"),
    setKnobs: (knobs) => call(knobsView, "POST", "/_replay/knobs", knobs),
    stats,
    count: async (filter) => (await stats({ ...filter, recent: 0 })).matched.get_range,
    reset: async () => {
      await call(resetResponse, "POST", "/_replay/reset");
    },
  };
};
