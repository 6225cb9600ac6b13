/** One recorded bar file: `<CONTRACT>.<from>_<to>.ohlcv-1m.csv`, as Databento's CSV prints it. */

export const BAR_FILE = /^([A-Z0-9]{2,7})\.(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.ohlcv-1m\.csv$/;

export const CSV_HEADER =
  "ts_event,rtype,publisher_id,instrument_id,open,high,low,close,volume,symbol";

/** rtype of an OHLCV-1m record (0x21). */
export const RTYPE_OHLCV_1M = 33;

/** One bar exactly as recorded: int64 fixed-point prices (1e-9), ts_event in ns. */
export interface BarRow {
  readonly tsEvent: bigint;
  readonly rtype: number;
  readonly publisherId: number;
  readonly instrumentId: number;
  readonly open: bigint;
  readonly high: bigint;
  readonly low: bigint;
  readonly close: bigint;
  readonly volume: bigint;
}

const INT = /^-?\d+$/;

/**
 * Parses and checks a whole file; any malformed line stops the load with its line
 * number, because serving a silently skipped or misread bar would be worse than not
 * starting.
 */
export const parseBarFile = (name: string, text: string, contract: string): BarRow[] => {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== CSV_HEADER) {
    throw new Error(`${name}: first line must be the header "${CSV_HEADER}"`);
  }
  const rows: BarRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const cells = line.split(",");
    const fail = (why: string) => new Error(`${name}:${i + 1}: ${why}: ${line}`);
    if (cells.length !== 10) throw fail("expected 10 columns");
    const [ts, rtype, publisher, instrument, open, high, low, close, volume, symbol] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (
      ![ts, rtype, publisher, instrument, open, high, low, close, volume].every((c) => INT.test(c))
    ) {
      throw fail("non-integer field");
    }
    if (Number(rtype) !== RTYPE_OHLCV_1M) throw fail(`rtype must be ${RTYPE_OHLCV_1M} (ohlcv-1m)`);
    if (symbol !== contract) throw fail(`symbol must be ${contract}, as the file name says`);
    const row: BarRow = {
      tsEvent: BigInt(ts),
      rtype: Number(rtype),
      publisherId: Number(publisher),
      instrumentId: Number(instrument),
      open: BigInt(open),
      high: BigInt(high),
      low: BigInt(low),
      close: BigInt(close),
      volume: BigInt(volume),
    };
    const previous = rows.at(-1);
    if (previous && previous.tsEvent >= row.tsEvent)
      throw fail("rows must be in strictly increasing ts_event order");
    rows.push(row);
  }
  return rows;
};
