import { UploadTooLarge } from "./errors.ts";

/**
 * A chunk body that came without a Content-Length (chunked transfer encoding), read whole
 * because binary COPY must state the length before the bytes; refused (413) the moment it
 * passes `limit`, so memory holds at most one capped chunk.
 */
export const readChunk = async (
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Buffer> => {
  if (!body) return Buffer.alloc(0);
  const pieces: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) throw new UploadTooLarge({ what: "chunk", limit });
      pieces.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(pieces, size);
};
