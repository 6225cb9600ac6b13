import { TIMEFRAME_NS, type Timeframe } from "./types.ts";

/** Longest range one bars request may cover; keeps a single cached value bounded. */
export const MAX_RANGE_NS = 31n * 86_400n * 1_000_000_000n;

export type SymbolKind = "continuous" | "raw_symbol";

export interface ResolvedSymbol {
  /** What the provider is asked for: `ES.c.0` or `ESZ3`. */
  readonly symbol: string;
  readonly stypeIn: SymbolKind;
}

const ROOT = /^[A-Z]{1,3}$/;
const CONTINUOUS = /^[A-Z]{1,3}\.[cnv]\.\d{1,2}$/;
const CONTRACT = /^[A-Z]{1,3}[FGHJKMNQUVXZ]\d{1,2}$/;

/**
 * `ES` means the front-month continuous contract (`ES.c.0`); `ES.c.0` and raw contracts
 * like `ESZ3` pass through. Anything else is not a futures symbol: `undefined`.
 */
export const resolveSymbol = (input: string): ResolvedSymbol | undefined => {
  const s = input
    .trim()
    .toUpperCase()
    .replace(/\.C\./, ".c.")
    .replace(/\.N\./, ".n.")
    .replace(/\.V\./, ".v.");
  if (ROOT.test(s)) return { symbol: `${s}.c.0`, stypeIn: "continuous" };
  if (CONTINUOUS.test(s)) return { symbol: s, stypeIn: "continuous" };
  if (CONTRACT.test(s)) return { symbol: s, stypeIn: "raw_symbol" };
  return undefined;
};

/** The product root of a futures symbol (`ES` for `ES`, `ES.c.0` and `ESZ3`), or undefined. */
export const instrumentRoot = (input: string): string | undefined => {
  const resolved = resolveSymbol(input);
  if (!resolved) return undefined;
  const head = resolved.symbol.split(".")[0] ?? "";
  return resolved.stypeIn === "raw_symbol" ? head.replace(/[FGHJKMNQUVXZ]\d{1,2}$/, "") : head;
};

export interface BarsQuery {
  readonly dataset: string;
  readonly symbol: ResolvedSymbol;
  readonly tf: Timeframe;
  /** Inclusive, ns, on a bar boundary. */
  readonly start: bigint;
  /** Exclusive, ns, on a bar boundary. */
  readonly end: bigint;
}

export type RangeProblem = "empty" | "too_long";

/**
 * Snaps [start, end) outward to whole bars of `tf`, so that every request for the same
 * bars shares one cache key.
 */
export const normaliseRange = (
  startNs: bigint,
  endNs: bigint,
  tf: Timeframe,
): { start: bigint; end: bigint } | RangeProblem => {
  if (startNs >= endNs) return "empty";
  const step = TIMEFRAME_NS[tf];
  const start = floorTo(startNs, step);
  const end = -floorTo(-endNs, step);
  if (end - start > MAX_RANGE_NS) return "too_long";
  return { start, end };
};

const floorTo = (n: bigint, step: bigint): bigint => {
  const r = n % step;
  return r < 0n ? n - r - step : n - r;
};

export const nsToIso = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

/**
 * Value key for one bars range. The braces are a Redis Cluster hash tag: the value, its
 * lease and its cached error (`…:lock`, `…:err`) live in one slot, so one Lua script
 * may touch all three.
 */
export const barsCacheKey = (q: BarsQuery): string =>
  `bars:v1:{${q.dataset}:${q.symbol.symbol}:${q.tf}:${nsToIso(q.start)}:${nsToIso(q.end)}}`;
