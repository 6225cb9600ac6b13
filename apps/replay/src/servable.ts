import { type ApiError, caseError, DOCS_TIME, notByReplay } from "./errors.ts";
import { DATABENTO_SCHEMAS } from "./params.ts";
import type { StypeIn } from "./resolve.ts";
import { formatNs, humanNs, type ParsedTime } from "./time.ts";

/** Every get_range parameter well formed (`parseGetRange`), not yet known to be servable. */
export interface WellFormed {
  readonly dataset: string;
  readonly symbols: string;
  readonly schema: string;
  readonly stypeIn: string;
  readonly stypeOut: string;
  readonly start: ParsedTime;
  readonly end: ParsedTime | undefined;
  readonly encoding: string;
  readonly compression: string;
  readonly mapSymbols: boolean;
  readonly prettyPx: boolean;
  readonly prettyTs: boolean;
  readonly limit: bigint;
}

/** A get_range request the replay upstream can answer from its recorded bars. */
export interface GetRangeParams {
  readonly dataset: string;
  readonly symbol: string;
  readonly stypeIn: StypeIn;
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
  readonly encoding: "csv" | "dbn";
  readonly compression: "none" | "zstd";
  readonly mapSymbols: boolean;
  readonly prettyPx: boolean;
  readonly prettyTs: boolean;
  /** 0: no limit. */
  readonly limit: bigint;
}

/**
 * Well-formed requests the replay upstream cannot serve get a 422 saying why: other
 * schemas (only ohlcv-1m is recorded), other symbologies, json, several symbols, and an
 * empty time range (Databento's own 422). A missing `end` is forward filled by the
 * resolution of `start`, as Databento does (a date -> the next day).
 */
export const checkServable = (f: WellFormed): GetRangeParams | ApiError => {
  if (f.schema !== "ohlcv-1m") {
    const why = DATABENTO_SCHEMAS.has(f.schema)
      ? "the replay upstream records only ohlcv-1m"
      : "not a Databento schema";
    return caseError(
      422,
      "schema_not_available",
      `Schema '${f.schema}' is not available: ${why}.`,
      { schema: f.schema },
    );
  }
  if (f.stypeIn !== "raw_symbol" && f.stypeIn !== "continuous") {
    return notByReplay("stype_in", f.stypeIn, "raw_symbol and continuous");
  }
  if (f.stypeOut !== "instrument_id") return notByReplay("stype_out", f.stypeOut, "instrument_id");
  if (f.encoding !== "csv" && f.encoding !== "dbn")
    return notByReplay("encoding", f.encoding, "dbn and csv");
  if (f.compression !== "none" && f.compression !== "zstd")
    return notByReplay("compression", f.compression, "none and zstd");
  const list = f.symbols
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const symbol = list[0];
  if (list.length !== 1 || !symbol || symbol === "ALL_SYMBOLS") {
    return notByReplay("symbols", f.symbols, "one symbol per request");
  }
  const start = f.start.ns;
  const end = f.end ? f.end.ns : start + f.start.step;
  if (start >= end) {
    return caseError(
      422,
      "data_time_range_start_on_or_after_end",
      `Invalid time range query, \`start\` ${humanNs(start)} cannot be on or after \`end\` ${humanNs(end)}.`,
      { start: formatNs(start), end: formatNs(end) },
      DOCS_TIME,
    );
  }
  const { dataset, encoding, compression, mapSymbols, prettyPx, prettyTs, limit } = f;
  return {
    dataset,
    symbol,
    stypeIn: f.stypeIn,
    start,
    end,
    encoding,
    compression,
    mapSymbols,
    prettyPx,
    prettyTs,
    limit,
  };
};
