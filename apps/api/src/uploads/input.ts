import { z } from "zod";

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "64 hex digits")
  .transform((s) => s.toLowerCase());

/** A new upload: what the client will send, declared up front and verified at finalize. */
export const createUploadInput = z.strictObject({
  filename: z
    .string()
    .min(1)
    .max(255)
    .refine(
      (name) => ![...name].some((ch) => ch < " " || ch === "/" || ch === "\\"),
      "no path separators or control characters",
    ),
  contentType: z
    .string()
    .max(127)
    .regex(/^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/, "a media type like text/csv"),
  /** Bytes in the whole file. */
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** sha256 of the whole file, hex. */
  sha256,
});
export type CreateUploadInput = z.output<typeof createUploadInput>;

export const uploadId = z.string().uuid("not an upload id");
export const uploadRef = z.strictObject({ id: uploadId });

/** Path parameters of a chunk: chunks are numbered 0, 1, 2... in file order. */
export const chunkRef = z.strictObject({
  id: uploadId,
  n: z.coerce.number().int().min(0).max(1_000_000),
});

/** Optional request header: the chunk's sha256, checked against the bytes as they arrive. */
export const CHUNK_SHA256_HEADER = "x-chunk-sha256";
export const chunkHeaders = z.strictObject({
  [CHUNK_SHA256_HEADER]: sha256.optional(),
});
