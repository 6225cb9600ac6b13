import { readFileSync } from "node:fs";
import path from "node:path";
import { zstdCompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseOhlcvCsv } from "../../src/providers/databento/csv.ts";
import { decodeDbnBars } from "../../src/providers/databento/dbn.ts";
import { decodeDbnMetadata } from "../../src/providers/databento/dbnMetadata.ts";
import { BarCounter } from "../../src/uploads/barCount.ts";
import { dbnFixturesDir, esz3CsvPath } from "../providers/sharedData.ts";

/** Streams `bytes` through a BarCounter in pieces of `size`, as an upload's chunks arrive. */
const count = async (bytes: Uint8Array, size: number) => {
  const counter = new BarCounter();
  for (let at = 0; at < bytes.length; at += size) await counter.push(bytes.subarray(at, at + size));
  return counter.finish();
};

const csv = readFileSync(esz3CsvPath);
/** Databento's own uncompressed DBN fixture, its records repeated: many record boundaries. */
const dbnFixture = readFileSync(path.join(dbnFixturesDir, "dbn/test_data.ohlcv-1m.dbn"));
const { recordsAt } = decodeDbnMetadata(dbnFixture);
const dbn = Buffer.concat([
  dbnFixture.subarray(0, recordsAt),
  ...Array(500).fill(dbnFixture.subarray(recordsAt)),
]);

describe("counting bars as an upload streams past", () => {
  it("CSV: the same bars as the whole-file decoder, whatever the chunk size", async () => {
    const bars = parseOhlcvCsv(csv.toString("utf8"));
    expect(bars).toHaveLength(6826);
    const iso = (ts: bigint | undefined) => new Date(Number((ts ?? 0n) / 1_000_000n)).toISOString();
    for (const size of [13, 4096, 65_536, csv.length]) {
      expect(await count(csv, size)).toEqual({
        format: "csv",
        bars: 6826,
        firstBarAt: iso(bars[0]?.tsEvent),
        lastBarAt: iso(bars.at(-1)?.tsEvent),
      });
    }
  });

  it("DBN and zstd DBN: records split across chunks are joined", async () => {
    const expected = decodeDbnBars(dbn).length;
    expect(expected).toBe(1000);
    for (const size of [1, 7, 57, 4096]) {
      expect(await count(dbn, size)).toMatchObject({ format: "dbn", bars: expected });
    }
    const zst = zstdCompressSync(dbn);
    for (const size of [5, 64, zst.length]) {
      expect(await count(zst, size)).toMatchObject({ format: "dbn.zst", bars: expected });
    }
    for (const v of [1, 2, 3]) {
      const file = readFileSync(path.join(dbnFixturesDir, `dbn/test_data.ohlcv-1m.v${v}.dbn.zst`));
      expect(await count(file, 16)).toMatchObject({ format: "dbn.zst", bars: 2 });
    }
  });

  it("bad data stops decoding with the decoder's reason, at the right line; other files are not market data", async () => {
    const text = csv.toString("utf8").split("\n");
    text[5000] = "1381096800000000000,33,1,0,x,1,1,1,1,ESZ3";
    const broken = await count(Buffer.from(text.join("\n")), 4096);
    expect(broken?.error).toMatch(/CSV line 5001: open "x" is not an integer/);
    expect(broken?.bars).toBeLessThan(5000);
    const cut = await count(dbn.subarray(0, dbn.length - 10), 100);
    expect(cut?.error).toMatch(/truncated/);
    expect(await count(Buffer.from("just some text\n"), 4)).toBeNull();
    expect(await count(new Uint8Array(0), 4)).toBeNull();
  });
});
