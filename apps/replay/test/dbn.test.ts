import { zstdDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDbn } from "./dbnDecode.ts";
import { fileRowsBetween, ns, startTestReplay, type TestReplay, windowParams } from "./support.ts";

let replay: TestReplay;
beforeAll(async () => {
  replay = await startTestReplay();
});
afterAll(async () => {
  await replay?.close();
});

const START = "2013-10-09T08:00:00Z";
const END = "2013-10-09T10:00:00Z";
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe("get_range, dbn", () => {
  it("is a DBN v3 stream whose records decode to the same bars as the csv", async () => {
    const res = await replay.getRange(windowParams(START, END, { encoding: "dbn" }));
    expect(res.status).toBe(200);
    const dbn = decodeDbn(await bytes(res));
    expect(dbn.magic).toBe("DBN");
    expect(dbn.version).toBe(3);
    expect(dbn.metadataLen % 8).toBe(0);
    expect(dbn).toMatchObject({
      dataset: "GLBX.MDP3",
      schema: 6,
      start: ns(START),
      end: ns(END),
      limit: 0n,
    });
    expect(dbn).toMatchObject({
      stypeIn: 3,
      stypeOut: 0,
      symbols: ["ES.c.0"],
      partial: [],
      notFound: [],
    });
    expect(dbn.mappings).toEqual([{ raw: "ES.c.0", intervals: [[20131009, 20131010, "0"]] }]);
    const csv = fileRowsBetween(ns(START), ns(END)).map((l) => l.split(","));
    expect(dbn.records).toHaveLength(csv.length);
    expect(dbn.records.length).toBeGreaterThan(60);
    dbn.records.forEach((r, i) => {
      const c = csv[i] ?? [];
      expect(
        [r.tsEvent, r.rtype, r.publisherId, r.instrumentId, ...r.ohlc, r.volume].map(String),
      ).toEqual(c.slice(0, 9));
    });
  });

  it("compression=zstd round-trips to the uncompressed answer, for dbn and csv", async () => {
    for (const encoding of ["dbn", "csv"]) {
      const plain = await bytes(await replay.getRange(windowParams(START, END, { encoding })));
      const packed = await bytes(
        await replay.getRange(windowParams(START, END, { encoding, compression: "zstd" })),
      );
      expect(packed.readUInt32LE(0)).toBe(0xfd2fb528); // zstd frame magic
      expect(packed.length).toBeLessThan(plain.length);
      expect(zstdDecompressSync(packed).equals(plain)).toBe(true);
    }
  });
});
