import { undecodable } from "./undecodable.ts";

/**
 * The DBN metadata header, versions 1 to 3, following databento/dbn's decoder
 * (rust/dbn/src/decode/dbn/fsm.rs). Little endian. After the 8-byte prelude ("DBN",
 * version byte, u32 length L of the rest of the metadata) comes a 100-byte fixed part:
 *
 *   dataset   char[16]  NUL padded
 *   schema    u16       0xFFFF: none (mixed schemas, live data)
 *   start     u64       ns since the UNIX epoch
 *   end       u64       u64::MAX: none
 *   limit     u64       0: none
 *   (v1 only) record_count u64, deprecated
 *   stype_in  u8        0xFF: none
 *   stype_out u8
 *   ts_out    u8        every record carries an extra 8-byte send timestamp
 *   (v2+)     symbol_cstr_len u16   (v1: always 22)
 *   reserved  47 bytes (v1) / 53 bytes (v2, v3)
 *
 * then u32 schema_definition_length (must be 0), the symbols, partial and not_found
 * lists (u32 count, then fixed-length C strings) and the mappings (u32 count; each a raw
 * symbol, a u32 interval count and per interval u32 start_date, u32 end_date as
 * YYYYMMDD and a symbol). v3 zero-pads the metadata to 8-byte alignment; records start
 * at 8 + L whatever the padding.
 */

export const DBN_PRELUDE_LEN = 8;
const METADATA_FIXED_LEN = 100;
const DATASET_CSTR_LEN = 16;
const V1_SYMBOL_CSTR_LEN = 22;
const V1_RESERVED_LEN = 47;
const RESERVED_LEN = 53;
const NULL_SCHEMA = 0xffff;
const NULL_STYPE = 0xff;
const UNDEF_TIMESTAMP = 0xffff_ffff_ffff_ffffn;
export const MAX_DBN_VERSION = 3;

export interface DbnMappingInterval {
  /** YYYYMMDD, inclusive. */
  readonly startDate: number;
  /** YYYYMMDD, exclusive. */
  readonly endDate: number;
  /** With stype_out=instrument_id, the instrument id as text. */
  readonly symbol: string;
}

export interface DbnSymbolMapping {
  readonly rawSymbol: string;
  readonly intervals: readonly DbnMappingInterval[];
}

export interface DbnMetadata {
  readonly version: number;
  /** L: bytes of metadata after the 8-byte prelude, padding included. */
  readonly metadataLength: number;
  readonly dataset: string;
  /** Schema id (6 is ohlcv-1m); undefined when the stream mixes schemas. */
  readonly schema: number | undefined;
  readonly start: bigint;
  /** Exclusive; undefined when not set. */
  readonly end: bigint | undefined;
  /** 0n: no limit. */
  readonly limit: bigint;
  /** SType id (1 raw_symbol, 3 continuous...); undefined for live data. */
  readonly stypeIn: number | undefined;
  /** SType id (0 instrument_id). */
  readonly stypeOut: number;
  readonly tsOut: boolean;
  readonly symbolCstrLen: number;
  readonly symbols: readonly string[];
  readonly partial: readonly string[];
  readonly notFound: readonly string[];
  readonly mappings: readonly DbnSymbolMapping[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Bounds-checked little-endian cursor over the metadata bytes. */
class Cursor {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #end: number;
  at: number;

  constructor(bytes: Uint8Array, at: number, end: number) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = at;
    this.#end = end;
  }

  #take(n: number, what: string): number {
    if (this.at + n > this.#end) {
      throw undecodable(`DBN metadata ends inside ${what} (byte ${this.at}, need ${n})`);
    }
    const at = this.at;
    this.at += n;
    return at;
  }
  u8(what: string): number {
    return this.#view.getUint8(this.#take(1, what));
  }
  u16(what: string): number {
    return this.#view.getUint16(this.#take(2, what), true);
  }
  u32(what: string): number {
    return this.#view.getUint32(this.#take(4, what), true);
  }
  u64(what: string): bigint {
    return this.#view.getBigUint64(this.#take(8, what), true);
  }
  skip(n: number, what: string): void {
    this.#take(n, what);
  }
  /** A fixed-length C string: the text up to the first NUL. */
  cstr(len: number, what: string): string {
    const at = this.#take(len, what);
    const raw = this.#bytes.subarray(at, at + len);
    const nul = raw.indexOf(0);
    try {
      return utf8.decode(nul === -1 ? raw : raw.subarray(0, nul));
    } catch {
      throw undecodable(`DBN metadata: ${what} at byte ${at} is not UTF-8`);
    }
  }
  symbolList(len: number, what: string): string[] {
    const count = this.u32(`${what} count`);
    // Checked up front so a corrupt count fails at once instead of allocating.
    if (this.at + count * len > this.#end) {
      throw undecodable(`DBN metadata: ${count} ${what} do not fit in the metadata`);
    }
    return Array.from({ length: count }, (_, i) => this.cstr(len, `${what}[${i}]`));
  }
}

/** Reads the prelude and metadata; `recordsAt` is where the first record starts. */
export const decodeDbnMetadata = (
  bytes: Uint8Array,
): { readonly metadata: DbnMetadata; readonly recordsAt: number } => {
  if (
    bytes.length < DBN_PRELUDE_LEN ||
    bytes[0] !== 0x44 ||
    bytes[1] !== 0x42 ||
    bytes[2] !== 0x4e
  ) {
    throw undecodable(`not DBN: starts with ${describeStart(bytes)}`);
  }
  const version = bytes[3] ?? 0;
  if (version < 1 || version > MAX_DBN_VERSION) {
    throw undecodable(`DBN version ${version} is not supported (1 to ${MAX_DBN_VERSION})`);
  }
  const metadataLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true);
  if (metadataLength < METADATA_FIXED_LEN) {
    throw undecodable(`DBN metadata length ${metadataLength} is shorter than its fixed part`);
  }
  const end = DBN_PRELUDE_LEN + metadataLength;
  if (end > bytes.length) {
    throw undecodable(
      `DBN metadata claims ${metadataLength} bytes, only ${bytes.length - 8} present`,
    );
  }
  const c = new Cursor(bytes, DBN_PRELUDE_LEN, end);
  const dataset = c.cstr(DATASET_CSTR_LEN, "dataset");
  const schema = c.u16("schema");
  const start = c.u64("start");
  const endTs = c.u64("end");
  const limit = c.u64("limit");
  if (version === 1) c.skip(8, "record_count");
  const stypeIn = c.u8("stype_in");
  const stypeOut = c.u8("stype_out");
  const tsOut = c.u8("ts_out") !== 0;
  const symbolCstrLen = version === 1 ? V1_SYMBOL_CSTR_LEN : c.u16("symbol_cstr_len");
  c.skip(version === 1 ? V1_RESERVED_LEN : RESERVED_LEN, "reserved");
  if (symbolCstrLen === 0) throw undecodable("DBN metadata: symbol_cstr_len is 0");
  const schemaDefinitionLength = c.u32("schema_definition_length");
  if (schemaDefinitionLength !== 0) {
    // No DBN version defines one; databento/dbn refuses it too.
    throw undecodable(`DBN metadata has a schema definition (${schemaDefinitionLength} bytes)`);
  }
  const symbols = c.symbolList(symbolCstrLen, "symbols");
  const partial = c.symbolList(symbolCstrLen, "partial");
  const notFound = c.symbolList(symbolCstrLen, "not_found");
  const mappingCount = c.u32("mappings count");
  const mappings: DbnSymbolMapping[] = [];
  for (let i = 0; i < mappingCount; i++) {
    const rawSymbol = c.cstr(symbolCstrLen, `mappings[${i}].raw_symbol`);
    const intervalCount = c.u32(`mappings[${i}] interval count`);
    if (c.at + intervalCount * (8 + symbolCstrLen) > end) {
      throw undecodable(
        `DBN metadata: mappings[${i}] claims ${intervalCount} intervals that do not fit`,
      );
    }
    const intervals: DbnMappingInterval[] = [];
    for (let j = 0; j < intervalCount; j++) {
      const what = `mappings[${i}].intervals[${j}]`;
      const startDate = c.u32(`${what}.start_date`);
      const endDate = c.u32(`${what}.end_date`);
      intervals.push({ startDate, endDate, symbol: c.cstr(symbolCstrLen, `${what}.symbol`) });
    }
    mappings.push({ rawSymbol, intervals });
  }
  return {
    metadata: {
      version,
      metadataLength,
      dataset,
      schema: schema === NULL_SCHEMA ? undefined : schema,
      start,
      end: endTs === UNDEF_TIMESTAMP ? undefined : endTs,
      limit,
      stypeIn: stypeIn === NULL_STYPE ? undefined : stypeIn,
      stypeOut,
      tsOut,
      symbolCstrLen,
      symbols,
      partial,
      notFound,
      mappings,
    },
    recordsAt: end,
  };
};

/** What a non-DBN body looked like, for the error message (JSON and HTML errors happen). */
const describeStart = (bytes: Uint8Array): string => {
  if (bytes.length === 0) return "nothing (empty body)";
  const head = bytes.subarray(0, 32);
  const printable = head.every((b) => b >= 0x20 && b < 0x7f);
  return printable
    ? JSON.stringify(Buffer.from(head).toString("latin1"))
    : Buffer.from(head).toString("hex");
};
