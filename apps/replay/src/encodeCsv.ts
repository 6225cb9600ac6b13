import type { BarRow } from "./barFile.ts";
import { formatNs, NS_PER_SECOND } from "./time.ts";

export interface CsvOptions {
  /** `map_symbols=true`: the symbol column, holding the symbol as requested (`ES.c.0` or `ESZ3`). */
  readonly symbol: string | undefined;
  /** `pretty_px=true`: decimal prices with 9 places instead of int64 fixed point. */
  readonly prettyPx: boolean;
  /** `pretty_ts=true`: ISO 8601 with nanoseconds instead of integer ns. */
  readonly prettyTs: boolean;
}

const HEADER = "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume";

/** Fixed point 1e-9 -> `1676.750000000`, the way Databento prints pretty prices. */
const prettyPrice = (px: bigint): string => {
  const sign = px < 0n ? "-" : "";
  const abs = px < 0n ? -px : px;
  return `${sign}${abs / NS_PER_SECOND}.${(abs % NS_PER_SECOND).toString().padStart(9, "0")}`;
};

/**
 * OHLCV rows as Databento's CSV encoding writes them: a header line, then one line per
 * record, `\n` terminated. With raw px/ts and map_symbols this reproduces the recorded
 * files byte for byte.
 */
export const encodeCsv = (rows: readonly BarRow[], options: CsvOptions): string => {
  const px = options.prettyPx ? prettyPrice : (p: bigint) => p.toString();
  const ts = options.prettyTs ? formatNs : (t: bigint) => t.toString();
  const tail = options.symbol === undefined ? "" : `,${options.symbol}`;
  const lines = [options.symbol === undefined ? HEADER : `${HEADER},symbol`];
  for (const r of rows) {
    lines.push(
      `${ts(r.tsEvent)},${r.rtype},${r.publisherId},${r.instrumentId},${px(r.open)},${px(r.high)},${px(r.low)},${px(r.close)},${r.volume}${tail}`,
    );
  }
  return `${lines.join("\n")}\n`;
};
