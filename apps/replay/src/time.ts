/** Nanosecond timestamps as Databento takes and prints them, without losing precision. */

export const NS_PER_SECOND = 1_000_000_000n;
export const NS_PER_MINUTE = 60n * NS_PER_SECOND;
export const NS_PER_DAY = 86_400n * NS_PER_SECOND;

export interface ParsedTime {
  readonly ns: bigint;
  /** The finest unit the input named: what "forward fill" adds when `end` is left out. */
  readonly step: bigint;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Databento accepts an integer (nanoseconds since the UNIX epoch) or an ISO 8601 string,
 * UTC unless the string names an offset. Anything else is `undefined`.
 */
export const parseTime = (input: string): ParsedTime | undefined => {
  const s = input.trim();
  if (/^\d{1,19}$/.test(s)) return { ns: BigInt(s), step: 1n };
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const fields = [y, mo, d, hh ?? "0", mi ?? "0", ss ?? "0"].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = fields;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Date.UTC rolls 2013-02-30 over to March: a round trip catches impossible dates.
  if (
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    second > 59
  ) {
    return undefined;
  }
  const fraction = BigInt((frac ?? "").padEnd(9, "0") || "0");
  let ns = BigInt(ms) * 1_000_000n + fraction;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const offsetMin = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    ns -= sign * offsetMin * NS_PER_MINUTE;
  }
  const step = frac
    ? 10n ** BigInt(9 - frac.length)
    : ss !== undefined
      ? NS_PER_SECOND
      : hh !== undefined
        ? NS_PER_MINUTE
        : NS_PER_DAY;
  return { ns, step };
};

const isoSeconds = (ns: bigint): string =>
  new Date(Number(ns / NS_PER_SECOND) * 1000).toISOString().slice(0, 19);
const fraction = (ns: bigint): string => (ns % NS_PER_SECOND).toString().padStart(9, "0");

/** `2013-10-06T22:00:00.000000000Z`: the form Databento uses in JSON bodies. */
export const formatNs = (ns: bigint): string => `${isoSeconds(ns)}.${fraction(ns)}Z`;

/** `2013-10-06 22:00:00+00:00`: the form Databento uses inside error messages. */
export const humanNs = (ns: bigint): string => {
  const f = ns % NS_PER_SECOND === 0n ? "" : `.${fraction(ns)}`;
  return `${isoSeconds(ns).replace("T", " ")}${f}+00:00`;
};

/** Days since the UNIX epoch (UTC), the unit Databento's symbology resolves in. */
export const dayOf = (ns: bigint): number => Number(ns / NS_PER_DAY);

export const dayStartNs = (day: number): bigint => BigInt(day) * NS_PER_DAY;

/** `YYYY-MM-DD` -> days since the epoch. */
export const dayFromIsoDate = (date: string): number | undefined => {
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(date) ? parseTime(date) : undefined;
  return parsed ? dayOf(parsed.ns) : undefined;
};

/** DBN symbol mappings store dates as the integer YYYYMMDD. */
export const yyyymmdd = (day: number): number => {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};
