import { readFileSync } from "node:fs";
import path from "node:path";
import { zstdDecompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeDbn } from "../src/encodeDbn.ts";
import { DATA_DIR } from "./support.ts";

/**
 * The DBN encoder against Databento's own files (shared/data/dbn-fixtures): given the
 * metadata and records they decode to, it must write the very same bytes. (Their
 * timestamps are whole minutes, exactly representable in the JSON's doubles.)
 */
describe("DBN v3 layout", () => {
  it("the encoder reproduces Databento's own DBN v3 fixtures byte for byte", () => {
    const fixtures = path.resolve(DATA_DIR, "../dbn-fixtures");
    const golden = JSON.parse(readFileSync(path.join(fixtures, "decoded_expected.json"), "utf8"));
    for (const name of [
      "databento-python/GLBX.MDP3.test_data.ohlcv-1m.dbn.zst",
      "dbn/test_data.ohlcv-1m.v3.dbn.zst",
    ]) {
      const { metadata: m, records } = golden[name];
      const mine = encodeDbn(
        {
          dataset: m.dataset,
          schema: m.schema,
          start: BigInt(m.start),
          end: BigInt(m.end),
          limit: BigInt(m.limit),
          stypeIn: m.stype_in,
          stypeOut: m.stype_out,
          symbols: m.symbols,
          mappings: m.mappings.map(([rawSymbol, ivs]: [string, [number, number, string][]]) => ({
            rawSymbol,
            intervals: ivs.map(([startDate, endDate, symbol]) => ({ startDate, endDate, symbol })),
          })),
        },
        records.map((r: Record<string, string | number>) => ({
          tsEvent: BigInt(r.ts_event as number),
          rtype: Number(r.rtype),
          publisherId: r.publisher_id,
          instrumentId: r.instrument_id,
          open: BigInt(r.open_raw as string),
          high: BigInt(r.high_raw as string),
          low: BigInt(r.low_raw as string),
          close: BigInt(r.close_raw as string),
          volume: BigInt(r.volume as number),
        })),
      );
      const real = zstdDecompressSync(readFileSync(path.join(fixtures, name)));
      expect(mine.equals(real), name).toBe(true);
    }
  });
});
