/** Futures symbols: raw contracts (`ESZ3`) and continuous references (`ES.c.0`). */

const MONTH_CODES = "FGHJKMNQUVXZ";
const CONTRACT = /^([A-Z0-9]{1,5}?)([FGHJKMNQUVXZ])(\d{1,2})$/;
const CONTINUOUS = /^([A-Z0-9]{1,5})\.([cnv])\.(\d{1,2})$/;

export interface Contract {
  readonly root: string;
  /** Months since year 0 of the delivery month: orders contracts by expiry. */
  readonly expiry: number;
}

/**
 * `ESZ3` -> root ES, December of the year ending in 3 nearest to `refYear` (the year of
 * the data it came with; a one-digit year is only unambiguous within a decade).
 */
export const parseContract = (code: string, refYear: number): Contract | undefined => {
  const m = CONTRACT.exec(code);
  if (!m) return undefined;
  const [, root, monthCode, digits] = m;
  if (!root || !monthCode || !digits) return undefined;
  let year: number;
  if (digits.length === 2) {
    year = 2000 + Number(digits);
  } else {
    year = refYear - (refYear % 10) + Number(digits);
    if (year < refYear - 1) year += 10;
  }
  return { root, expiry: year * 12 + MONTH_CODES.indexOf(monthCode) };
};

export interface ContinuousSymbol {
  readonly root: string;
  /** c: calendar (by expiry), n: open interest, v: volume. */
  readonly rule: "c" | "n" | "v";
  /** 0 is the front month, 1 the next, ... */
  readonly rank: number;
}

export const parseContinuous = (symbol: string): ContinuousSymbol | undefined => {
  const m = CONTINUOUS.exec(symbol);
  if (!m) return undefined;
  const [, root, rule, rank] = m;
  if (!root || (rule !== "c" && rule !== "n" && rule !== "v")) return undefined;
  return { root, rule, rank: Number(rank) };
};
