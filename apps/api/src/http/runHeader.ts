import { HEADERS } from "@scaleproof/core/wire/headers";
import { z } from "zod";

const runHeader = z.strictObject({
  [HEADERS.run]: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 _ -")
    .optional(),
});

/** The run a request says it belongs to (validated), or the zod error naming the header. */
export const parseRunHeader = (value: string | null | undefined) => {
  const parsed = runHeader.safeParse({ [HEADERS.run]: value ?? undefined });
  return parsed.success
    ? { ok: true as const, runId: parsed.data[HEADERS.run] }
    : { ok: false as const, error: parsed.error };
};
