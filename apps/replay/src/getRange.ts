import { zstdCompressSync } from "node:zlib";
import { checkAvailable, findDataset } from "./availability.ts";
import type { ReplayData } from "./data.ts";
import { encodeCsv } from "./encodeCsv.ts";
import { encodeDbn, SCHEMA_OHLCV_1M, STYPE } from "./encodeDbn.ts";
import { type ApiError, caseError, DOCS_SYMBOLOGY, isApiError, notByReplay } from "./errors.ts";
import { barsFor, resolveSymbol } from "./resolve.ts";
import type { GetRangeParams } from "./servable.ts";
import { yyyymmdd } from "./time.ts";

export interface Payload {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly records: number;
}

/**
 * Serves one validated request from the recorded bars. A symbol that resolves on no day
 * of the range is Databento's 422 `symbology_invalid_request`; a resolved symbol with no
 * bars in the range (a daily halt, a quiet minute) is a 200 with no records, as Databento
 * answers a gap.
 */
export const serveGetRange = (data: ReplayData, p: GetRangeParams): Payload | ApiError => {
  const ds = findDataset(data, p.dataset);
  if (isApiError(ds)) return ds;
  const outside = checkAvailable(ds, p.start, p.end);
  if (outside) return outside;
  const resolution = resolveSymbol(ds, p.symbol, p.stypeIn, p.start, p.end);
  const payload = {
    dataset: p.dataset,
    symbols: [p.symbol],
    stype_in: p.stypeIn,
    start: p.start.toString(),
    end: p.end.toString(),
  };
  switch (resolution.kind) {
    case "invalid_symbol":
      return caseError(
        400,
        "symbology_invalid_symbol",
        resolution.message,
        payload,
        DOCS_SYMBOLOGY,
      );
    case "unsupported":
      return notByReplay("symbols", p.symbol, "calendar-roll continuous symbols such as ES.c.0");
    case "unresolved":
      return caseError(
        422,
        "symbology_invalid_request",
        "None of the symbols could be resolved",
        payload,
        DOCS_SYMBOLOGY,
      );
  }
  const all = barsFor(resolution.segments, p.start, p.end);
  const rows = p.limit > 0n ? all.slice(0, Number(p.limit)) : all;
  let body: Uint8Array;
  if (p.encoding === "csv") {
    const symbol = p.mapSymbols ? p.symbol : undefined;
    body = Buffer.from(
      encodeCsv(rows, { symbol, prettyPx: p.prettyPx, prettyTs: p.prettyTs }),
      "utf8",
    );
  } else {
    const mapping = {
      rawSymbol: p.symbol,
      intervals: resolution.segments.map((s) => ({
        startDate: yyyymmdd(s.fromDay),
        endDate: yyyymmdd(s.toDay),
        symbol: String(s.contract.rows[0]?.instrumentId ?? 0),
      })),
    };
    const meta = {
      dataset: p.dataset,
      schema: SCHEMA_OHLCV_1M,
      start: p.start,
      end: p.end,
      limit: p.limit,
      stypeIn: STYPE[p.stypeIn],
      stypeOut: STYPE.instrument_id,
      symbols: [p.symbol],
      mappings: [mapping],
    };
    body = encodeDbn(meta, rows);
  }
  if (p.compression === "zstd") body = zstdCompressSync(body);
  const contentType =
    p.compression === "zstd"
      ? "application/zstd"
      : p.encoding === "csv"
        ? "text/csv"
        : "application/octet-stream";
  return { bytes: body, contentType, records: rows.length };
};
