import { type ApiError, type ParamProblem, paramErrors } from "./errors.ts";
import { DATABENTO_STYPES, parseBool } from "./params.ts";
import { checkServable, type GetRangeParams } from "./servable.ts";
import { parseTime } from "./time.ts";

const TIME_MSG = "must be an ISO 8601 datetime or integer nanoseconds since the UNIX epoch";

/**
 * Validates `timeseries.get_range` parameters in two steps: missing or malformed ones
 * -> 400 naming each; then well formed but not servable -> 422 (`checkServable`).
 * Defaults follow the HTTP API: schema trades, encoding dbn, compression none, stype_in
 * raw_symbol, stype_out instrument_id, map_symbols/pretty_px/pretty_ts false.
 */
export const parseGetRange = (p: ReadonlyMap<string, string>): GetRangeParams | ApiError => {
  const get = (k: string) => p.get(k)?.trim() || undefined;
  const problems: ParamProblem[] = [];
  const bad = (param: string, msg: string, type = "value_error") =>
    problems.push({ param, msg, type });
  const required = (param: string) => {
    const v = get(param);
    if (v === undefined) bad(param, "field required", "value_error.missing");
    return v ?? "";
  };
  const oneOf = (param: string, fallback: string, allowed: readonly string[]) => {
    const v = get(param) ?? fallback;
    if (!allowed.includes(v)) bad(param, `'${v}' is not one of ${allowed.join(", ")}`);
    return v;
  };
  const time = (param: string, text: string | undefined) => {
    const t = text === undefined ? undefined : parseTime(text);
    if (text !== undefined && text !== "" && !t) bad(param, TIME_MSG);
    return t;
  };
  const flag = (param: string) => {
    const v = parseBool(get(param), false);
    if (v === "invalid") bad(param, "must be true or false");
    return v === true;
  };
  const count = (param: string) => {
    const v = get(param) ?? "0";
    if (/^\d{1,18}$/.test(v)) return BigInt(v);
    bad(param, "must be a non-negative integer");
    return 0n;
  };
  const stypes = [...DATABENTO_STYPES];
  const form = {
    dataset: required("dataset"),
    symbols: required("symbols"),
    schema: get("schema") ?? "trades",
    stypeIn: oneOf("stype_in", "raw_symbol", stypes),
    stypeOut: oneOf("stype_out", "instrument_id", stypes),
    start: time("start", required("start")),
    end: time("end", get("end")),
    encoding: oneOf("encoding", "dbn", ["dbn", "csv", "json"]),
    compression: oneOf("compression", "none", ["none", "zstd"]),
    mapSymbols: flag("map_symbols"),
    prettyPx: flag("pretty_px"),
    prettyTs: flag("pretty_ts"),
    limit: count("limit"),
  };
  if (problems.length > 0 || !form.start) return paramErrors(problems);
  return checkServable({ ...form, start: form.start });
};
