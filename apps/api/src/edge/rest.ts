import { fieldProblems } from "@scaleproof/core/wire/fieldProblems";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { ZodError } from "zod";
import { type HttpFailure, INTERNAL, toHttpFailure } from "./failure.ts";
import { failureOf } from "./trpc.ts";

const send = (c: Context, f: HttpFailure, extra: Record<string, unknown> = {}): Response => {
  if (f.retryAfterSec !== undefined) c.header("retry-after", String(f.retryAfterSec));
  return c.json({ error: { code: f.code, message: f.message, ...f.details, ...extra } }, f.status);
};

/** A REST answer for a domain error (or a defect: logged here, generic to the client). */
export const sendFailure = (c: Context, log: Logger, error: unknown): Response => {
  const f = toHttpFailure(error);
  if (f === INTERNAL) log.error({ err: error, path: c.req.path }, "unhandled error");
  return send(c, f);
};

/**
 * REST routes call the tRPC procedures: this runs one and answers its value as JSON,
 * or its error the way REST callers expect (`{error: {code, message, fields?}}`, the
 * same status as tRPC gives, Retry-After when there is one).
 */
export const answerProcedure = async (
  c: Context,
  log: Logger,
  call: () => Promise<unknown>,
  status: ContentfulStatusCode = 200,
): Promise<Response> => {
  try {
    return c.json(await call(), status);
  } catch (error) {
    if (!(error instanceof TRPCError)) return sendFailure(c, log, error);
    const domain = failureOf(error);
    if (domain) return send(c, domain);
    if (error.code === "INTERNAL_SERVER_ERROR") return sendFailure(c, log, error.cause ?? error);
    const fields = error.cause instanceof ZodError ? fieldProblems(error.cause) : undefined;
    return send(
      c,
      {
        status: getHTTPStatusCodeFromError(error) as HttpFailure["status"],
        code: error.code,
        message: fields ? "invalid input" : error.message,
      },
      fields ? { fields } : {},
    );
  }
};
