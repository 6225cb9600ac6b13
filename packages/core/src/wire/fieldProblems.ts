import type { z } from "zod";

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** zod issues -> the offending fields, for a 400 body a person (or a CLI) can act on. */
export const fieldProblems = (error: z.ZodError): FieldProblem[] =>
  error.issues.map((i) => ({
    field:
      i.path.length > 0
        ? i.path.join(".")
        : i.code === "unrecognized_keys"
          ? i.keys.join(",")
          : "(input)",
    message: i.message,
  }));

export const badRequestBody = (error: z.ZodError) => ({
  error: { code: "BAD_REQUEST", message: "invalid input", fields: fieldProblems(error) },
});

/** The 400 for a body that is not JSON at all. */
export const NOT_JSON = {
  error: {
    code: "BAD_REQUEST",
    message: "body must be JSON",
    fields: [{ field: "(body)", message: "not JSON" }],
  },
} as const;

/** The request's JSON body, or `NOT_JSON` when it does not parse. */
export const readJson = async (req: {
  json(): Promise<unknown>;
}): Promise<{ ok: true; body: unknown } | { ok: false }> => {
  try {
    return { ok: true, body: await req.json() };
  } catch {
    return { ok: false };
  }
};
