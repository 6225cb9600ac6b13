export type RequestKind = "barsCached" | "barsNew" | "backtest";

export interface LoadRequest {
  readonly kind: RequestKind;
  readonly method: "GET" | "POST";
  /** Path with its query, as sent and signed. */
  readonly path: string;
  readonly body?: string;
}

/** A traffic mix as data. Shares are relative weights (>= 0, not all 0). */
export interface Mix {
  /** `GET /api/bars` over the fixed warmed key set (`cachedKeys` ranges). */
  readonly barsCached: number;
  /** `GET /api/bars` over ranges no earlier request of this workload asked for. */
  readonly barsNew: number;
  /** `POST /api/backtests` (JSON, an idempotency key each: every one a new job). */
  readonly backtests: number;
  /** 1..5: one regular session (13:30-20:00 UTC) per recorded day. Default 4. */
  readonly cachedKeys?: number;
  readonly symbol?: string;
  readonly tf?: "1m" | "5m";
}

export interface Workload {
  /** The warmed key set (`warmCachedKeys` asks each once before the first level). */
  readonly cachedPaths: readonly string[];
  /** The next arrival's request. Kinds interleave so every prefix keeps the mix's shares. */
  next(): LoadRequest;
}

const KINDS: readonly RequestKind[] = ["barsCached", "barsNew", "backtest"];
const MINUTE = 60_000;
/** New keys live in [2013-10-07T00:00Z, 2013-10-11T21:00Z): inside the recorded data. */
const WEEK_START = Date.UTC(2013, 9, 7);
const WEEK_MINUTES = 4 * 1440 + 21 * 60;
const iso = (ms: number) => new Date(ms).toISOString();
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

const barsPath = (symbol: string, tf: string, start: string, end: string) =>
  `/api/bars?${new URLSearchParams({ symbol, tf, start, end })}`;

/**
 * New keys: range k of M = starts x lengths on the timeframe's grid (15 min to about
 * 2 h 15, so never a cached key's 6 h 30), visited in the order j = (a·k + b) mod M with
 * `a` coprime to M: every key once before any repeats (826,440 keys at 1m, 33,096 at 5m),
 * and `b` from the seed so runs with different seeds start elsewhere.
 */
const newRanges = (tf: "1m" | "5m", seed: number) => {
  const step = tf === "5m" ? 5 : 1;
  const minLen = 15 / step;
  const lengths = 120 / step;
  const starts = WEEK_MINUTES / step - (minLen + lengths - 1) + 1;
  const m = starts * lengths;
  const a = [7919, 7927, 7933].find((p) => gcd(p, m) === 1) ?? 1;
  let k = (seed >>> 0) % m;
  return () => {
    const j = (a * k++) % m;
    const start = WEEK_START + Math.floor(j / lengths) * step * MINUTE;
    return { start: iso(start), end: iso(start + (minLen + (j % lengths)) * step * MINUTE) };
  };
};

export const workload = (options: {
  readonly mix: Mix;
  readonly seed: number;
  /** Prefix of every backtest's idempotency key (A-Z a-z 0-9 : _ . -), e.g. the run id. */
  readonly idempotencyPrefix: string;
}): Workload => {
  const { mix, seed, idempotencyPrefix } = options;
  const symbol = mix.symbol ?? "ES";
  const tf = mix.tf ?? "1m";
  const weights = [mix.barsCached, mix.barsNew, mix.backtests];
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0) || weights.some((w) => !(w >= 0)))
    throw new Error("mix: weights >= 0, not all 0");
  if (!/^[A-Za-z0-9:_.-]{1,100}$/.test(idempotencyPrefix)) throw new Error("idempotencyPrefix");
  const cached = Array.from({ length: Math.min(5, Math.max(1, mix.cachedKeys ?? 4)) }, (_, d) => {
    const day = WEEK_START + d * 1440 * MINUTE;
    return { start: iso(day + 810 * MINUTE), end: iso(day + 1200 * MINUTE) };
  });
  const cachedPaths = cached.map((r) => barsPath(symbol, tf, r.start, r.end));
  const fresh = newRanges(tf, seed);
  const counts = [0, 0, 0];
  let n = 0;
  let backtests = 0;
  const pick = (): number => {
    n++;
    let best = 0;
    let deficit = -Infinity;
    for (let i = 0; i < 3; i++) {
      const d = ((weights[i] ?? 0) / total) * n - (counts[i] ?? 0);
      if ((weights[i] ?? 0) > 0 && d > deficit) [best, deficit] = [i, d];
    }
    counts[best] = (counts[best] ?? 0) + 1;
    return best;
  };
  return {
    cachedPaths,
    next() {
      const i = pick();
      const kind = KINDS[i] ?? "barsCached";
      if (kind === "barsCached") {
        return {
          kind,
          method: "GET",
          path: cachedPaths[(counts[0] ?? 0) % cachedPaths.length] ?? "",
        };
      }
      if (kind === "barsNew") {
        const r = fresh();
        return { kind, method: "GET", path: barsPath(symbol, tf, r.start, r.end) };
      }
      const b = backtests++;
      const range = cached[b % cached.length] ?? cached[0];
      const body = { symbol, tf, ...range, fast: 5 + (b % 10), slow: 30 + (b % 40) };
      const idempotencyKey = `${idempotencyPrefix}:${b}`;
      return {
        kind,
        method: "POST",
        path: "/api/backtests",
        body: JSON.stringify({ ...body, idempotencyKey }),
      };
    },
  };
};
