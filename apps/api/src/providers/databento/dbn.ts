import type { Bar } from "@scaleproof/core/bars/types";
import { type DbnMetadata, decodeDbnMetadata } from "./dbnMetadata.ts";
import { undecodable } from "./undecodable.ts";
import { decompressZstd, isZstd } from "./zstd.ts";

export type { DbnMappingInterval, DbnMetadata, DbnSymbolMapping } from "./dbnMetadata.ts";

/** OHLCV record types: one per bar interval. */
export const RTYPE_OHLCV_1S = 0x20;
export const RTYPE_OHLCV_1M = 0x21;
export const RTYPE_OHLCV_1H = 0x22;
export const RTYPE_OHLCV_1D = 0x23;
const OHLCV_RTYPES = new Set([RTYPE_OHLCV_1S, RTYPE_OHLCV_1M, RTYPE_OHLCV_1H, RTYPE_OHLCV_1D]);

/** The record header: u8 length (in 4-byte words), u8 rtype, u16 publisher, u32 instrument, u64 ts_event. */
const HEADER_LEN = 16;
/** Header + i64 open/high/low/close + u64 volume. The same layout in DBN v1, v2 and v3. */
const OHLCV_LEN = 56;

/** One OHLCV record as stored; prices are int64 fixed point (1 unit = 1e-9). */
export interface OhlcvRecord {
  /** Record length in bytes (the header's length field x 4). */
  readonly length: number;
  readonly rtype: number;
  readonly publisherId: number;
  readonly instrumentId: number;
  readonly tsEvent: bigint;
  readonly open: bigint;
  readonly high: bigint;
  readonly low: bigint;
  readonly close: bigint;
  readonly volume: bigint;
}

export interface DecodedDbn {
  readonly metadata: DbnMetadata;
  /** OHLCV records in stream order; records of other types are skipped. */
  readonly records: readonly OhlcvRecord[];
}

/**
 * Decodes a DBN v1/v2/v3 stream, zstd-compressed or not. Records whose rtype is not
 * OHLCV are skipped by their length, so a stream mixing in other records (definitions,
 * system messages) still decodes. A truncated record is an error rather than silently
 * dropped: a short body means bars are missing. Throws ProviderUnavailable
 * ("undecodable response: ...") on anything malformed.
 */
export const decodeDbn = (input: Uint8Array): DecodedDbn => {
  const bytes = isZstd(input) ? decompressZstd(input) : input;
  const { metadata, recordsAt } = decodeDbnMetadata(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: OhlcvRecord[] = [];
  let at = recordsAt;
  while (at < bytes.length) {
    const length = (bytes[at] ?? 0) * 4;
    if (length < HEADER_LEN) {
      throw undecodable(`DBN record at byte ${at} has length ${length}, shorter than a header`);
    }
    if (at + length > bytes.length) {
      throw undecodable(
        `DBN record at byte ${at} is truncated (${length} bytes, ${bytes.length - at} left)`,
      );
    }
    const rtype = bytes[at + 1] ?? 0;
    if (OHLCV_RTYPES.has(rtype)) {
      if (length < OHLCV_LEN) {
        throw undecodable(
          `DBN OHLCV record at byte ${at} has length ${length}, expected ${OHLCV_LEN}`,
        );
      }
      records.push({
        length,
        rtype,
        publisherId: view.getUint16(at + 2, true),
        instrumentId: view.getUint32(at + 4, true),
        tsEvent: view.getBigUint64(at + 8, true),
        open: view.getBigInt64(at + 16, true),
        high: view.getBigInt64(at + 24, true),
        low: view.getBigInt64(at + 32, true),
        close: view.getBigInt64(at + 40, true),
        volume: view.getBigUint64(at + 48, true),
      });
    }
    at += length;
  }
  return { metadata, records };
};

export const ohlcvToBar = (r: OhlcvRecord): Bar => ({
  tsEvent: r.tsEvent,
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: r.volume,
  instrumentId: r.instrumentId,
});

/** The OHLCV records of a DBN stream as bars, in stream order. */
export const decodeDbnBars = (input: Uint8Array): Bar[] => decodeDbn(input).records.map(ohlcvToBar);
