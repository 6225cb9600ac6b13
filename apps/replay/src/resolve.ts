import type { BarRow } from "./barFile.ts";
import { parseContinuous } from "./contracts.ts";
import type { ContractData, DatasetData } from "./data.ts";
import { dayOf, dayStartNs } from "./time.ts";

export type StypeIn = "raw_symbol" | "continuous";

/** One contract standing for the requested symbol over whole UTC days [fromDay, toDay). */
export interface Segment {
  readonly contract: ContractData;
  readonly fromDay: number;
  readonly toDay: number;
}

export type Resolution =
  | { readonly kind: "resolved"; readonly segments: readonly Segment[] }
  /** Well formed, but no contract answers to it on any day of the range. */
  | { readonly kind: "unresolved" }
  | { readonly kind: "invalid_symbol"; readonly message: string }
  | { readonly kind: "unsupported"; readonly message: string };

const covers = (c: ContractData, day: number) => c.spans.some((s) => s.from <= day && day < s.to);

/**
 * Databento resolves symbols per UTC day. A raw contract resolves on the days its files
 * cover; `ROOT.c.N` resolves, each day, to the N-th nearest expiry among the contracts
 * of that root recorded for that day (with one contract per day on file, the front month).
 */
export const resolveSymbol = (
  ds: DatasetData,
  symbol: string,
  stypeIn: StypeIn,
  start: bigint,
  end: bigint,
): Resolution => {
  const firstDay = dayOf(start);
  const lastDay = dayOf(end - 1n);
  let pick: (day: number) => ContractData | undefined;
  if (stypeIn === "raw_symbol") {
    const contract = ds.contracts.get(symbol);
    pick = (day) => (contract && covers(contract, day) ? contract : undefined);
  } else {
    const c = parseContinuous(symbol);
    if (!c) {
      return {
        kind: "invalid_symbol",
        message: `Invalid format for \`continuous\` symbol '${symbol}', expected ROOT.ROLL_RULE.RANK such as ES.c.0.`,
      };
    }
    if (c.rule !== "c") {
      return {
        kind: "unsupported",
        message: `The replay upstream resolves only calendar rolls (.c.), not '${symbol}'.`,
      };
    }
    const sameRoot = [...ds.contracts.values()]
      .filter((k) => k.root === c.root)
      .sort((a, b) => a.expiry - b.expiry);
    pick = (day) => sameRoot.filter((k) => covers(k, day))[c.rank];
  }
  const segments: Segment[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const contract = pick(day);
    if (!contract) continue;
    const last = segments.at(-1);
    if (last && last.contract === contract && last.toDay === day) {
      segments[segments.length - 1] = { ...last, toDay: day + 1 };
    } else {
      segments.push({ contract, fromDay: day, toDay: day + 1 });
    }
  }
  return segments.length > 0 ? { kind: "resolved", segments } : { kind: "unresolved" };
};

/** The bars of `segments` with start <= ts_event < end, in time order. */
export const barsFor = (segments: readonly Segment[], start: bigint, end: bigint): BarRow[] =>
  segments.flatMap((s) => {
    const from = start > dayStartNs(s.fromDay) ? start : dayStartNs(s.fromDay);
    const to = end < dayStartNs(s.toDay) ? end : dayStartNs(s.toDay);
    return from < to ? slice(s.contract.rows, from, to) : [];
  });

const lowerBound = (rows: readonly BarRow[], ts: bigint): number => {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((rows[mid] as BarRow).tsEvent < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

const slice = (rows: readonly BarRow[], from: bigint, to: bigint): BarRow[] =>
  rows.slice(lowerBound(rows, from), lowerBound(rows, to));
