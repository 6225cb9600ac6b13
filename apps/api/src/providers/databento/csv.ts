import type { Bar } from "@scaleproof/core/bars/types";
import { undecodable } from "./undecodable.ts";

/**
 * Databento's CSV for ohlcv schemas with `pretty_px=false&pretty_ts=false`:
 * `ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume[,symbol]`, one
 * record per `\n`-terminated line, integers only (ns timestamps, 1e-9 fixed-point
 * prices). Columns are found by name, so `map_symbols` (the trailing symbol column) and
 * any reordering do not matter. Values are parsed with BigInt: ns timestamps and
 * fixed-point prices exceed 2^53.
 */

const REQUIRED = ["ts_event", "instrument_id", "open", "high", "low", "close", "volume"] as const;

const U32_MAX = 0xffff_ffffn;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
/** rtypes 0x20-0x23: ohlcv-1s, -1m, -1h, -1d. */
const OHLCV_RTYPES = new Set(["32", "33", "34", "35"]);

const UNSIGNED = /^\d+$/;
const SIGNED = /^-?\d+$/;

const fail = (line: number, detail: string) => undecodable(`CSV line ${line}: ${detail}`);

/** Shows a bad value without flooding the message (a huge or binary field stays short). */
const show = (value: string) =>
  JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

const unsigned = (value: string, column: string, line: number, max: bigint): bigint => {
  if (!UNSIGNED.test(value)) {
    throw fail(line, `${column} ${show(value)} is not a non-negative integer`);
  }
  const n = BigInt(value);
  if (n > max) throw fail(line, `${column} ${value} is out of range`);
  return n;
};

const price = (value: string, column: string, line: number): bigint => {
  if (!SIGNED.test(value)) {
    // A decimal here means the response was requested or served with pretty_px=true.
    const hint = /^-?\d+\.\d*$/.test(value) ? " (expected int64 fixed point, pretty_px=false)" : "";
    throw fail(line, `${column} ${show(value)} is not an integer${hint}`);
  }
  const n = BigInt(value);
  if (n < I64_MIN || n > I64_MAX) throw fail(line, `${column} ${value} is out of int64 range`);
  return n;
};

/**
 * Parses an OHLCV CSV body into bars, in file order. An empty body is no bars; a
 * header-only body is no bars. Any malformed line throws ProviderUnavailable
 * ("undecodable response: CSV line N: ..."), N counting the header as line 1.
 */
export const parseOhlcvCsv = (text: string): Bar[] => {
  const lines = text.split("\n");
  // The last record is newline-terminated, which leaves one empty string behind.
  if (lines.at(-1) === "") lines.pop();
  const headerLine = lines[0];
  if (headerLine === undefined) return [];
  const header = headerLine.replace(/\r$/, "").split(",");
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const column = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) {
      throw fail(1, `header ${show(headerLine)} has no '${name}' column (is this OHLCV CSV?)`);
    }
    return i;
  };
  const [iTs, iInstrument, iOpen, iHigh, iLow, iClose, iVolume] = REQUIRED.map(column) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const iRtype = index.get("rtype");

  const bars: Bar[] = new Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const fields = (lines[i] as string).replace(/\r$/, "").split(",");
    if (fields.length !== header.length) {
      throw fail(lineNo, `expected ${header.length} fields, found ${fields.length}`);
    }
    const field = (at: number) => fields[at] as string;
    if (iRtype !== undefined && !OHLCV_RTYPES.has(field(iRtype))) {
      throw fail(lineNo, `rtype ${show(field(iRtype))} is not an OHLCV record type`);
    }
    bars[i - 1] = {
      tsEvent: unsigned(field(iTs), "ts_event", lineNo, U64_MAX),
      open: price(field(iOpen), "open", lineNo),
      high: price(field(iHigh), "high", lineNo),
      low: price(field(iLow), "low", lineNo),
      close: price(field(iClose), "close", lineNo),
      volume: unsigned(field(iVolume), "volume", lineNo, U64_MAX),
      instrumentId: Number(unsigned(field(iInstrument), "instrument_id", lineNo, U32_MAX)),
    };
  }
  return bars;
};
