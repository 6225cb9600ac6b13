/**
 * A tiny DBN v3 reader written from the spec (shared/data/SOURCES.md and databento/dbn),
 * independent of the server's encoder, so the tests check the bytes rather than the
 * encoder against itself.
 */
export interface DecodedDbn {
  magic: string;
  version: number;
  metadataLen: number;
  dataset: string;
  schema: number;
  start: bigint;
  end: bigint;
  limit: bigint;
  stypeIn: number;
  stypeOut: number;
  symbols: string[];
  partial: string[];
  notFound: string[];
  mappings: { raw: string; intervals: [number, number, string][] }[];
  records: {
    rtype: number;
    publisherId: number;
    instrumentId: number;
    tsEvent: bigint;
    ohlc: bigint[];
    volume: bigint;
  }[];
}

export const decodeDbn = (buf: Buffer): DecodedDbn => {
  let o = 8;
  // Each reader moves the cursor past what it read.
  const take = (n: number) => {
    o += n;
    return o - n;
  };
  const u8 = () => buf.readUInt8(take(1));
  const u16 = () => buf.readUInt16LE(take(2));
  const u32 = () => buf.readUInt32LE(take(4));
  const u64 = () => buf.readBigUInt64LE(take(8));
  const cstr = (n: number) => buf.toString("ascii", take(n), o).replace(/\0[\s\S]*$/, "");
  const metadataLen = buf.readUInt32LE(4);
  const dataset = cstr(16);
  const schema = u16();
  const [start, end, limit] = [u64(), u64(), u64()];
  const [stypeIn, stypeOut] = [u8(), u8(), u8()]; // the third is ts_out
  const cstrLen = u16();
  o += 53;
  const schemaDefinitionLen = u32(); // 0: none
  o += schemaDefinitionLen;
  const list = () => Array.from({ length: u32() }, () => cstr(cstrLen));
  const [symbols, partial, notFound] = [list(), list(), list()];
  const mappings = Array.from({ length: u32() }, () => ({
    raw: cstr(cstrLen),
    intervals: Array.from(
      { length: u32() },
      () => [u32(), u32(), cstr(cstrLen)] as [number, number, string],
    ),
  }));
  const records: DecodedDbn["records"] = [];
  for (o = 8 + metadataLen; o < buf.length; ) {
    const at = o;
    const length = buf.readUInt8(at) * 4;
    if (buf.readUInt8(at + 1) === 0x21) {
      records.push({
        rtype: buf.readUInt8(at + 1),
        publisherId: buf.readUInt16LE(at + 2),
        instrumentId: buf.readUInt32LE(at + 4),
        tsEvent: buf.readBigUInt64LE(at + 8),
        ohlc: [16, 24, 32, 40].map((d) => buf.readBigInt64LE(at + d)),
        volume: buf.readBigUInt64LE(at + 48),
      });
    }
    o = at + length;
  }
  return {
    magic: buf.toString("ascii", 0, 3),
    version: buf.readUInt8(3),
    metadataLen,
    dataset,
    schema,
    start,
    end,
    limit,
    stypeIn,
    stypeOut,
    symbols,
    partial,
    notFound,
    mappings,
    records,
  };
};
