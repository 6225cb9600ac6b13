/**
 * Request parameters the way Databento's HTTP API takes them: form-encoded in the body
 * of a POST (what its client libraries send), or in the query string. Body wins.
 */
export const readParams = async (req: Request): Promise<Map<string, string>> => {
  const params = new Map(new URL(req.url).searchParams);
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    for (const [k, v] of await req.formData()) if (typeof v === "string") params.set(k, v);
  } else if (req.method === "POST" && !type.startsWith("application/json")) {
    // Form-encoded, or no content type at all (curl -d sends form encoding anyway).
    for (const [k, v] of new URLSearchParams(await req.text())) params.set(k, v);
  }
  return params;
};

export type BoolParse = boolean | "invalid";

/** Databento's booleans arrive as form text. */
export const parseBool = (value: string | undefined, fallback: boolean): BoolParse => {
  if (value === undefined || value === "") return fallback;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  return "invalid";
};

/** Every schema the real API knows; the replay upstream serves only `ohlcv-1m`. */
export const DATABENTO_SCHEMAS = new Set([
  "mbo",
  "mbp-1",
  "mbp-10",
  "tbbo",
  "trades",
  "bbo-1s",
  "bbo-1m",
  "cbbo-1s",
  "cbbo-1m",
  "tcbbo",
  "cmbp-1",
  "ohlcv-1s",
  "ohlcv-1m",
  "ohlcv-1h",
  "ohlcv-1d",
  "ohlcv-eod",
  "definition",
  "statistics",
  "status",
  "imbalance",
]);

/** Every symbology type the real API knows; the replay upstream resolves two of them. */
export const DATABENTO_STYPES = new Set([
  "instrument_id",
  "raw_symbol",
  "smart",
  "continuous",
  "parent",
  "nasdaq_symbol",
  "cms_symbol",
  "isin",
  "us_code",
  "bbg_comp_id",
  "bbg_comp_ticker",
  "figi",
  "figi_ticker",
]);
