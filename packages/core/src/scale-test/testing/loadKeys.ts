import type { BarsRange } from "../data.ts";
import type { LoadMix } from "../profiles/load/data.ts";
import type { WorldState } from "./world.ts";

const WEEK_START = Date.UTC(2013, 9, 7);
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The new keys a level asks for in the in-memory cluster: the mix's share of its
 * arrivals, each a range no earlier level asked for, each fetched `fetches(level, i)`
 * times (default once, as the stampede protocol does): counted by the upstream and in
 * the persisted events, as the real instances and the replay upstream count them.
 */
export const makeNewKeys = (
  world: WorldState,
  fetches: (level: string, i: number) => number = () => 1,
) => {
  let mix: LoadMix = { barsCached: 18, barsNew: 1, backtests: 1 };
  let next = 0;
  const sent = new Map<string, BarsRange[]>();
  return {
    setMix: (m: LoadMix) => {
      mix = m;
    },
    sent,
    /** Records `arrivals`' share of new keys for `level`, fetched and evidenced at `at`. */
    record: (level: string, arrivals: number, at: number) => {
      const total = mix.barsCached + mix.barsNew + mix.backtests;
      const n = total > 0 ? Math.round((arrivals * mix.barsNew) / total) : 0;
      const ranges = Array.from({ length: n }, (): BarsRange => {
        const start = WEEK_START + next++ * 15 * MINUTE;
        return { symbol: "ES", tf: "1m", start: iso(start), end: iso(start + 15 * MINUTE) };
      });
      sent.set(level, ranges);
      ranges.forEach((r, i) => {
        const key = `bars:${r.symbol}:${r.tf}:${r.start}:${r.end}`;
        const instance = world.instances[i % world.instances.length] ?? "i1";
        for (let f = 0; f < fetches(level, i); f++) {
          world.upstream.set(key, (world.upstream.get(key) ?? 0) + 1);
          world.barsEvents.push({
            key,
            instance,
            outcome: "MISS",
            fetch: true,
            releasedBy: "fetch",
            takeover: false,
            startedAt: at,
            finishedAt: at + 5,
            fetchStartedAt: at,
            filledAt: at + 5,
          });
        }
      });
    },
  };
};
