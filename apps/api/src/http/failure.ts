import type { Context } from "hono";
import type { InstanceDeps } from "../deps.ts";
import { toHttpFailure } from "./domainErrors.ts";

export const sendFailure = (c: Context, deps: InstanceDeps, error: unknown): Response => {
  const f = toHttpFailure(error);
  if (f.status === 500) deps.log.error({ err: error, path: c.req.path }, "unhandled error");
  if (f.retryAfterSec !== undefined) c.header("retry-after", String(f.retryAfterSec));
  return c.json({ error: { code: f.code, message: f.message } }, f.status);
};
