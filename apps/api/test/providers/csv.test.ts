import { readFileSync } from "node:fs";
import { aggregateBars } from "@scaleproof/core/bars/aggregate";
import { type Bar, TIMEFRAME_NS } from "@scaleproof/core/bars/types";
import { describe, expect, it } from "vitest";
import { parseOhlcvCsv } from "../../src/providers/databento/csv.ts";
import { esz3CsvPath } from "./sharedData.ts";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
/** bigint max/min (Math.max/min take numbers only, so biome's suggestion does not apply). */
const bigMax = (...xs: bigint[]): bigint =>
  xs.reduce((m, x) => {
    if (x > m) return x;
    return m;
  });
const bigMin = (...xs: bigint[]): bigint =>
  xs.reduce((m, x) => {
    if (x < m) return x;
    return m;
  });

const HEADER = "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol";
const ROW =
  "1381096800000000000,33,1,0,1676750000000,1677250000000,1673500000000,1675250000000,1884,ESZ3";

const failure = (text: string): { _tag: string; status: number; message: string } => {
  try {
    parseOhlcvCsv(text);
  } catch (error) {
    return error as { _tag: string; status: number; message: string };
  }
  throw new Error("expected parseOhlcvCsv to throw");
};

describe("parseOhlcvCsv on the real ESZ3 week", () => {
  const text = readFileSync(esz3CsvPath, "utf8");
  const bars = parseOhlcvCsv(text);

  it("reads every row, exactly", () => {
    expect(bars).toHaveLength(6826);
    expect(bars[0]).toEqual({
      tsEvent: 1381096800000000000n,
      open: 1676750000000n,
      high: 1677250000000n,
      low: 1673500000000n,
      close: 1675250000000n,
      volume: 1884n,
      instrumentId: 0,
    });
    expect(bars.at(-1)).toEqual({
      tsEvent: 1381526040000000000n,
      open: 1699750000000n,
      high: 1700250000000n,
      low: 1699500000000n,
      close: 1700000000000n,
      volume: 678n,
      instrumentId: 0,
    });
  });

  it("is in strictly increasing minute order within the documented week", () => {
    expect(bars[0]?.tsEvent).toBe(ns("2013-10-06T22:00:00Z"));
    expect(bars.at(-1)?.tsEvent).toBe(ns("2013-10-11T21:14:00Z"));
    for (let i = 1; i < bars.length; i++) {
      const [prev, cur] = [bars[i - 1] as Bar, bars[i] as Bar];
      expect(cur.tsEvent > prev.tsEvent).toBe(true);
      expect(cur.tsEvent % TIMEFRAME_NS["1m"]).toBe(0n);
    }
  });

  it("has consistent bars (as SOURCES.md says)", () => {
    for (const b of bars) {
      expect(b.volume > 0n).toBe(true);
      expect(b.low <= b.open && b.low <= b.close && b.high >= b.open && b.high >= b.close).toBe(
        true,
      );
    }
  });

  it("aggregates to 5m bars that conserve volume and extremes", () => {
    const five = aggregateBars(bars, TIMEFRAME_NS["5m"]);
    const sum = (bs: readonly Bar[]) => bs.reduce((s, b) => s + b.volume, 0n);
    expect(sum(five)).toBe(sum(bars));
    const first = bars.filter((b) => b.tsEvent < ns("2013-10-06T22:05:00Z"));
    expect(five[0]).toEqual({
      tsEvent: ns("2013-10-06T22:00:00Z"),
      open: first[0]?.open,
      high: bigMax(...first.map((b) => b.high)),
      low: bigMin(...first.map((b) => b.low)),
      close: first.at(-1)?.close,
      volume: sum(first),
      instrumentId: 0,
    });
  });
});

describe("parseOhlcvCsv on other bodies", () => {
  it("an empty or header-only body is no bars", () => {
    expect(parseOhlcvCsv("")).toEqual([]);
    expect(parseOhlcvCsv(`${HEADER}\n`)).toEqual([]);
  });

  it("finds columns by name: reordered, without symbol, CRLF, no final newline", () => {
    const expected = parseOhlcvCsv(`${HEADER}\n${ROW}\n`);
    expect(expected).toHaveLength(1);
    const reordered =
      "symbol,volume,close,low,high,open,instrument_id,publisher_id,rtype,ts_event\r\n" +
      "ESZ3,1884,1675250000000,1673500000000,1677250000000,1676750000000,0,1,33,1381096800000000000\r\n";
    expect(parseOhlcvCsv(reordered)).toEqual(expected);
    const noSymbol = `${HEADER.replace(",symbol", "")}\n${ROW.replace(",ESZ3", "")}`;
    expect(parseOhlcvCsv(noSymbol)).toEqual(expected);
  });

  it("keeps negative prices (spreads trade below zero) and values beyond 2^53", () => {
    const row =
      "18446744073709551615,33,1,4294967295,-5,9223372036854775807,-9223372036854775808,0,18446744073709551615,X";
    expect(parseOhlcvCsv(`${HEADER}\n${row}\n`)).toEqual([
      {
        tsEvent: 18446744073709551615n,
        open: -5n,
        high: 9223372036854775807n,
        low: -9223372036854775808n,
        close: 0n,
        volume: 18446744073709551615n,
        instrumentId: 4294967295,
      },
    ]);
  });

  it("rejects malformed rows with ProviderUnavailable naming the line", () => {
    const body = (...rows: string[]) => `${[HEADER, ROW, ...rows].join("\n")}\n`;
    const cases: [string, RegExp][] = [
      [body("1381096860000000000,33,1,0,1,2,3,4"), /CSV line 3: expected 10 fields, found 8/],
      [body(ROW.replace("1676750000000", "abc")), /CSV line 3: open "abc" is not an integer$/],
      [
        body(ROW, ROW.replace("1676750000000", "1676.750000000")),
        /CSV line 4: open "1676.750000000" is not an integer \(expected int64 fixed point, pretty_px=false\)/,
      ],
      [
        body(ROW.replace(",1884,", ",-1,")),
        /CSV line 3: volume "-1" is not a non-negative integer/,
      ],
      [body(ROW.replace(",1884,", ",,")), /CSV line 3: volume "" is not a non-negative integer/],
      [body(ROW.replace("1381096800000000000", "2013-10-06T22:00:00Z")), /CSV line 3: ts_event/],
      [body(ROW.replace(",33,", ",160,")), /CSV line 3: rtype "160" is not an OHLCV record type/],
      [
        body(ROW.replace(",1,0,", ",1,4294967296,")),
        /CSV line 3: instrument_id 4294967296 is out of range/,
      ],
      [
        body(ROW.replace("1677250000000", "9223372036854775808")),
        /CSV line 3: high .* out of int64 range/,
      ],
      [body("", ROW), /CSV line 3: expected 10 fields, found 1/],
      ['{"detail":"not csv"}\n', /CSV line 1: header .* has no 'ts_event' column/],
    ];
    for (const [text, message] of cases) {
      const e = failure(text);
      expect(e._tag, text).toBe("ProviderUnavailable");
      expect(e.status).toBe(200);
      expect(e.message, text).toMatch(/^undecodable response: CSV line \d+: /);
      expect(e.message, text).toMatch(message);
    }
  });
});
