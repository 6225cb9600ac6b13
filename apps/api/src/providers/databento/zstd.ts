import { zstdDecompressSync } from "node:zlib";
import { undecodable } from "./undecodable.ts";

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use magics 0x184D2A50..0x184D2A5F and carry no data for us. */
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

/** Does `bytes` start with a zstd frame (28 b5 2f fd)? */
export const isZstd = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 &&
  bytes[0] === 0x28 &&
  bytes[1] === 0xb5 &&
  bytes[2] === 0x2f &&
  bytes[3] === 0xfd;

interface ZstdInfoResult {
  readonly buffer: Buffer;
  readonly engine: { readonly bytesWritten: number };
}

/**
 * Decompresses every frame of a zstd stream with Node's built-in zstd (no dependency).
 * Node's one-shot zstd stops after the first frame (checked on Node 24.21: two
 * concatenated frames decompress to one), while a streamed zstd body may hold several,
 * so each frame is decompressed in turn; `engine.bytesWritten` says where it ended.
 */
export const decompressZstd = (input: Uint8Array): Uint8Array => {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < input.length) {
    if (input.length - at < 4) throw undecodable(`zstd: ${input.length - at} stray bytes at ${at}`);
    const magic = view.getUint32(at, true);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (input.length - at < 8) throw undecodable(`zstd: truncated skippable frame at ${at}`);
      at += 8 + view.getUint32(at + 4, true);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw undecodable(`zstd: no frame at byte ${at}`);
    let result: ZstdInfoResult;
    try {
      // `info: true` returns { buffer, engine }; @types/node types only the plain Buffer.
      result = zstdDecompressSync(input.subarray(at), { info: true }) as unknown as ZstdInfoResult;
    } catch (error) {
      throw undecodable(`zstd: ${error instanceof Error ? error.message : String(error)}`);
    }
    const used = result.engine.bytesWritten;
    if (!(used > 0)) throw undecodable(`zstd: frame at byte ${at} consumed no input`);
    parts.push(result.buffer);
    at += used;
  }
  if (parts.length === 1 && parts[0]) return parts[0];
  return Buffer.concat(parts);
};
