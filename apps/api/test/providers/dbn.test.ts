import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { zstdCompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeDbn, decodeDbnBars, type OhlcvRecord } from "../../src/providers/databento/dbn.ts";
import type { DbnMetadata } from "../../src/providers/databento/dbnMetadata.ts";
import { dbnFixturesDir } from "./sharedData.ts";

/** decoded_expected.json, as written by an independent decoder. */
interface Expected {
  readonly metadata: {
    version: number;
    metadata_len: number;
    dataset: string;
    schema: number;
    start: bigint | number;
    end: bigint | number;
    limit: bigint | number;
    stype_in: number;
    stype_out: number;
    ts_out: number;
    symbol_cstr_len: number;
    symbols: string[];
    partial: string[];
    not_found: string[];
    mappings: [string, [number, number, string][]][];
  };
  readonly records: {
    len: number;
    rtype: string;
    publisher_id: number;
    instrument_id: number;
    ts_event: bigint | number;
    iso: string;
    volume: bigint | number;
    open_raw: string;
    high_raw: string;
    low_raw: string;
    close_raw: string;
  }[];
}

/**
 * JSON numbers such as ts_event (1.6e18) do not survive as doubles: integers beyond 2^53
 * are revived from their source text as BigInt (Node 24's JSON.parse source access).
 */
const exactReviver = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === "number" && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? "")
    ? BigInt(context?.source as string)
    : value;

const expected = JSON.parse(
  readFileSync(path.join(dbnFixturesDir, "decoded_expected.json"), "utf8"),
  exactReviver as (key: string, value: unknown) => unknown,
) as Record<string, Expected>;

/** Every DBN file under dbn-fixtures, as paths relative to it (the keys of expected). */
const fixtures = readdirSync(dbnFixturesDir, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.dbn(\.zst)?$/.test(f))
  .map((f) => f.split(path.sep).join("/"))
  .sort();

const read = (rel: string) => new Uint8Array(readFileSync(path.join(dbnFixturesDir, rel)));

const expectedMetadata = (m: Expected["metadata"]): DbnMetadata => ({
  version: m.version,
  metadataLength: m.metadata_len,
  dataset: m.dataset,
  schema: m.schema,
  start: BigInt(m.start),
  end: BigInt(m.end),
  limit: BigInt(m.limit),
  stypeIn: m.stype_in,
  stypeOut: m.stype_out,
  tsOut: m.ts_out !== 0,
  symbolCstrLen: m.symbol_cstr_len,
  symbols: m.symbols,
  partial: m.partial,
  notFound: m.not_found,
  mappings: m.mappings.map(([rawSymbol, intervals]) => ({
    rawSymbol,
    intervals: intervals.map(([startDate, endDate, symbol]) => ({ startDate, endDate, symbol })),
  })),
});

const expectedRecord = (r: Expected["records"][number]): OhlcvRecord => ({
  length: r.len,
  rtype: Number.parseInt(r.rtype, 16),
  publisherId: r.publisher_id,
  instrumentId: r.instrument_id,
  tsEvent: BigInt(r.ts_event),
  open: BigInt(r.open_raw),
  high: BigInt(r.high_raw),
  low: BigInt(r.low_raw),
  close: BigInt(r.close_raw),
  volume: BigInt(r.volume),
});

describe("decodeDbn against Databento's own fixtures", () => {
  it("finds the fixtures, and every expected entry has its file", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
    for (const key of Object.keys(expected)) expect(fixtures).toContain(key);
  });

  for (const rel of fixtures) {
    const golden = expected[rel];
    if (golden) {
      it(`${rel}: metadata and every record match decoded_expected.json`, () => {
        const decoded = decodeDbn(read(rel));
        expect(decoded.metadata).toEqual(expectedMetadata(golden.metadata));
        expect(decoded.records).toEqual(golden.records.map(expectedRecord));
        for (const [i, r] of golden.records.entries()) {
          expect(Number((decoded.records[i] as OhlcvRecord).tsEvent / 1_000_000n)).toBe(
            Date.parse(r.iso),
          );
        }
      });
    } else {
      // decoded_expected.json has no entry for the definition file: its 4 records are
      // instrument definitions (rtype 0x13), which the decoder must step over.
      it(`${rel}: metadata decodes and non-OHLCV records are skipped`, () => {
        const decoded = decodeDbn(read(rel));
        expect(decoded.metadata.dataset).toBe("GLBX.MDP3");
        expect(decoded.metadata.symbols).toEqual(["ESH1"]);
        expect(decoded.records).toEqual([]);
      });
    }
  }

  it("v1, v2 and v3 of the same data decode to the same records", () => {
    const [v1, v2, v3, raw] = [
      "dbn/test_data.ohlcv-1m.v1.dbn.zst",
      "dbn/test_data.ohlcv-1m.v2.dbn.zst",
      "dbn/test_data.ohlcv-1m.v3.dbn.zst",
      "dbn/test_data.ohlcv-1m.dbn",
    ].map((f) => decodeDbn(read(f)));
    expect(v1?.records).toHaveLength(2);
    expect(v2?.records).toEqual(v1?.records);
    expect(v3?.records).toEqual(v1?.records);
    expect(raw?.records).toEqual(v1?.records);
    expect([v1, v2, v3].map((d) => d?.metadata.version)).toEqual([1, 2, 3]);
  });

  it("decodeDbnBars gives the records as bars", () => {
    const bars = decodeDbnBars(read("databento-python/GLBX.MDP3.test_data.ohlcv-1m.dbn.zst"));
    expect(bars[0]).toEqual({
      tsEvent: 1609113600000000000n,
      open: 3702750000000n,
      high: 3704750000000n,
      low: 3702500000000n,
      close: 3704750000000n,
      volume: 306n,
      instrumentId: 5482,
    });
    expect(bars).toHaveLength(4);
  });
});

/** The uncompressed v2 fixture, pulled apart so tests can build variants of it. */
const rawV2 = read("dbn/test_data.ohlcv-1m.dbn");
const recordsAt = 8 + new DataView(rawV2.buffer, rawV2.byteOffset).getUint32(4, true);
const header = rawV2.subarray(0, recordsAt);
const [rec1, rec2] = [rawV2.subarray(recordsAt, recordsAt + 56), rawV2.subarray(recordsAt + 56)];

const failure = (bytes: Uint8Array): { _tag: string; message: string } => {
  try {
    decodeDbn(bytes);
  } catch (error) {
    return error as { _tag: string; message: string };
  }
  throw new Error("expected decodeDbn to throw");
};

describe("decodeDbn on other streams", () => {
  it("steps over records of unknown types by their length", () => {
    const unknown = new Uint8Array(24);
    unknown[0] = 24 / 4;
    unknown[1] = 0x7e; // not a record type DBN defines
    const mixed = Buffer.concat([header, unknown, rec1 as Uint8Array, unknown, rec2 as Uint8Array]);
    expect(decodeDbn(mixed).records).toEqual(decodeDbn(rawV2).records);
  });

  it("decodes a zstd stream made of several frames", () => {
    const split = recordsAt + 30;
    const multi = Buffer.concat([
      zstdCompressSync(rawV2.subarray(0, split)),
      zstdCompressSync(rawV2.subarray(split)),
    ]);
    expect(decodeDbn(multi)).toEqual(decodeDbn(rawV2));
  });

  it("metadata alone (a range without bars) decodes to no records", () => {
    expect(decodeDbn(header).records).toEqual([]);
  });

  it("rejects malformed input with ProviderUnavailable", () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(), /not DBN: starts with nothing/],
      [Buffer.from('{"detail":"oops"}'), /not DBN: starts with "\{\\"detail\\":\\"oops\\"}"$/],
      [
        Buffer.concat([Buffer.from("DBN\x04"), rawV2.subarray(4)]),
        /DBN version 4 is not supported/,
      ],
      [rawV2.subarray(0, recordsAt - 10), /metadata claims 345 bytes/],
      [rawV2.subarray(0, rawV2.length - 8), /record at byte \d+ is truncated/],
      [Buffer.concat([header, new Uint8Array(16)]), /length 0, shorter than a header/],
      [Buffer.concat([zstdCompressSync(rawV2), Buffer.from("junk")]), /zstd: no frame at byte/],
      [read("dbn/test_data.ohlcv-1m.v3.dbn.zst").subarray(0, 40), /zstd: /],
    ];
    for (const [bytes, message] of cases) {
      const e = failure(bytes);
      expect(e._tag).toBe("ProviderUnavailable");
      expect(e.message).toMatch(/^undecodable response: /);
      expect(e.message).toMatch(message);
    }
  });

  it("rejects an OHLCV record shorter than 56 bytes", () => {
    const short = Uint8Array.from((rec1 as Uint8Array).subarray(0, 48));
    short[0] = 48 / 4;
    expect(failure(Buffer.concat([header, short])).message).toMatch(/OHLCV record .* length 48/);
  });
});
