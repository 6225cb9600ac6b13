import type { z } from "zod";

/**
 * The replay upstream's own 400 body for its `/_replay` routes:
 * `{error: {code: "BAD_REQUEST", message, fields: [{field, message}]}}`. Kept here, not
 * shared with apps/api: the replay stands in for Databento and depends on nothing of ours.
 */
export const badRequestBody = (error: z.ZodError) => ({
  error: {
    code: "BAD_REQUEST",
    message: "invalid input",
    fields: error.issues.map((i) => ({
      field:
        i.path.length > 0
          ? i.path.join(".")
          : i.code === "unrecognized_keys"
            ? i.keys.join(",")
            : "(input)",
      message: i.message,
    })),
  },
});

/** The 400 for a body that is not JSON at all. */
export const NOT_JSON = {
  error: {
    code: "BAD_REQUEST",
    message: "body must be JSON",
    fields: [{ field: "(body)", message: "not JSON" }],
  },
} as const;
