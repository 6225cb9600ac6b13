import type { BarRow } from "./barFile.ts";
import { ByteWriter } from "./byteWriter.ts";

/**
 * DBN version 3, the layout of databento/dbn's MetadataEncoder (rust/dbn/src/encode/dbn):
 * little endian; "DBN", version byte, u32 length of the rest of the metadata; then the
 * fixed part (100 bytes), the symbol lists and mappings, zero padded to 8-byte alignment;
 * then the records. Checked byte for byte against Databento's own fixtures in the tests.
 */

export const DBN_VERSION = 3;
export const SCHEMA_OHLCV_1M = 6;
export const STYPE = { instrument_id: 0, raw_symbol: 1, continuous: 3 } as const;
const SYMBOL_CSTR_LEN = 71;
const DATASET_CSTR_LEN = 16;
const RESERVED_LEN = 53;
const OHLCV_LEN = 56;
const UNDEF_TIMESTAMP = 0xffff_ffff_ffff_ffffn;

export interface DbnMapping {
  readonly rawSymbol: string;
  /** Dates as YYYYMMDD, end exclusive; `symbol` is the instrument id as text. */
  readonly intervals: readonly {
    readonly startDate: number;
    readonly endDate: number;
    readonly symbol: string;
  }[];
}

export interface DbnMetadata {
  readonly dataset: string;
  readonly schema: number;
  readonly start: bigint;
  readonly end: bigint | undefined;
  /** 0 means no limit. */
  readonly limit: bigint;
  readonly stypeIn: number;
  readonly stypeOut: number;
  readonly symbols: readonly string[];
  readonly mappings: readonly DbnMapping[];
}

export const encodeDbn = (meta: DbnMetadata, rows: readonly BarRow[]): Buffer => {
  const strings =
    meta.symbols.length + meta.mappings.reduce((n, m) => n + 1 + m.intervals.length, 0);
  const intervals = meta.mappings.reduce((n, m) => n + m.intervals.length, 0);
  // fixed part + 5 u32 counts (schema definition, symbols, partial, not_found, mappings)
  const needed = 100 + 4 * 5 + strings * SYMBOL_CSTR_LEN + meta.mappings.length * 4 + intervals * 8;
  const metaLen = needed + ((8 - (needed % 8)) % 8);
  const w = new ByteWriter(8 + metaLen + rows.length * OHLCV_LEN);
  w.bytes.write("DBN", 0, "ascii");
  w.at = 3;
  w.u8(DBN_VERSION);
  w.u32(metaLen);
  w.cstr(meta.dataset, DATASET_CSTR_LEN);
  w.u16(meta.schema);
  w.u64(meta.start);
  w.u64(meta.end ?? UNDEF_TIMESTAMP);
  w.u64(meta.limit);
  w.u8(meta.stypeIn);
  w.u8(meta.stypeOut);
  w.u8(0); // ts_out
  w.u16(SYMBOL_CSTR_LEN);
  w.at += RESERVED_LEN;
  w.u32(0); // schema definition length: none
  for (const list of [meta.symbols, [], []] as const) {
    w.u32(list.length);
    for (const s of list) w.cstr(s, SYMBOL_CSTR_LEN);
  }
  w.u32(meta.mappings.length);
  for (const m of meta.mappings) {
    w.cstr(m.rawSymbol, SYMBOL_CSTR_LEN);
    w.u32(m.intervals.length);
    for (const i of m.intervals) {
      w.u32(i.startDate);
      w.u32(i.endDate);
      w.cstr(i.symbol, SYMBOL_CSTR_LEN);
    }
  }
  w.at = 8 + metaLen;
  for (const r of rows) {
    w.u8(OHLCV_LEN / 4);
    w.u8(r.rtype);
    w.u16(r.publisherId);
    w.u32(r.instrumentId);
    w.u64(r.tsEvent);
    for (const px of [r.open, r.high, r.low, r.close]) w.i64(px);
    w.u64(r.volume);
  }
  return w.bytes;
};
