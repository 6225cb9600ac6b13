import { z } from "zod";

/** The most snapshots one ingest call carries. */
export const MAX_BATCH = 500;
/** The REST body limit for an ingest call (a full batch of ordinary snapshots is ~150 KB). */
export const INGEST_BODY_LIMIT = 512 * 1024;

const price = z.number().finite();
const text = (max: number) => z.string().min(1).max(max);

/**
 * One bar of one instrument as a producer pushes it. Strict: an unknown field is refused
 * (400 naming it), never dropped, so a producer's typo cannot lose data silently.
 */
export const snapshot = z
  .strictObject({
    /** Chosen by the producer; a re-sent snapshot keeps its id (that makes retries safe). */
    id: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, "1-128 of A-Z a-z 0-9 : _ . -"),
    instrument: text(64),
    /** Bar start, ISO 8601 with an offset; stored and hashed at millisecond precision. */
    barTime: z.iso.datetime({ offset: true }),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    producer: z.strictObject({
      name: text(100),
      version: text(50).optional(),
      /** The producer's own sequence number, if it keeps one. */
      seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    }),
  })
  .superRefine((s, ctx) => {
    if (s.low > s.high) ctx.addIssue({ code: "custom", path: ["low"], message: "above high" });
    for (const k of ["open", "close"] as const) {
      if (s[k] > s.high || s[k] < s.low)
        ctx.addIssue({ code: "custom", path: [k], message: "outside low..high" });
    }
  });
export type Snapshot = z.output<typeof snapshot>;

const batch = z.array(snapshot).min(1).max(MAX_BATCH);

/**
 * One snapshot, or an array of 1..500. A batch with one id twice is refused unless both
 * are identical (the ingest answers the second as a duplicate).
 */
export const ingestInput = z.unknown().transform((value, ctx): Snapshot[] => {
  const parsed = Array.isArray(value) ? batch.safeParse(value) : snapshot.safeParse(value);
  if (parsed.success) return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  for (const issue of parsed.error.issues) {
    // One problem per unknown field, named by its path (`producer.host`, `0.extra`).
    const paths =
      issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    const message = issue.code === "unrecognized_keys" ? "unknown field" : issue.message;
    for (const path of paths) ctx.addIssue({ code: "custom", path, message });
  }
  return z.NEVER;
});
