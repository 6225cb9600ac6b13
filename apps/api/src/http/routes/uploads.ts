import { badRequestBody, NOT_JSON, readJson } from "@scaleproof/core/wire/fieldProblems";
import type { Hono } from "hono";
import { answerProcedure, sendFailure } from "../../edge/rest.ts";
import { UploadTooLarge } from "../../uploads/errors.ts";
import { CHUNK_SHA256_HEADER, chunkHeaders, chunkRef } from "../../uploads/input.ts";
import { putChunk } from "../../uploads/service.ts";
import { procedures, type RestContext } from "../caller.ts";
import { BODY_LIMITS, limitBody } from "../limits.ts";
import { shedHeavy } from "../shed.ts";

/**
 * `POST /api/uploads` (201 + id), `PUT /api/uploads/:id/chunks/:n` (the chunk's bytes,
 * streamed), `POST /api/uploads/:id/finalize` (202 + job id), `GET /api/uploads/:id`.
 * Chunks bypass tRPC (a byte stream, not JSON input) like bars; the rest call `uploads.*`.
 */
export const mountUploads = (app: Hono, ctx: RestContext): void => {
  const { deps } = ctx;
  const log = deps.log;
  app.on("POST", ["/api/uploads", "/api/uploads/:id/finalize"], limitBody(BODY_LIMITS.json));
  app.on(
    ["POST", "PUT"],
    ["/api/uploads", "/api/uploads/:id/chunks/:n", "/api/uploads/:id/finalize"],
    shedHeavy(deps),
  );
  app.post("/api/uploads", async (c) => {
    const json = await readJson(c.req);
    if (!json.ok) return c.json(NOT_JSON, 400);
    return answerProcedure(
      c,
      log,
      () => procedures(ctx, c).uploads.create(json.body as never),
      201,
    );
  });
  app.put("/api/uploads/:id/chunks/:n", async (c) => {
    const ref = chunkRef.safeParse(c.req.param());
    if (!ref.success) return c.json(badRequestBody(ref.error), 400);
    const headers = chunkHeaders.safeParse({
      [CHUNK_SHA256_HEADER]: c.req.header(CHUNK_SHA256_HEADER),
    });
    if (!headers.success) return c.json(badRequestBody(headers.error), 400);
    const length = c.req.header("content-length");
    const contentLength = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    const limit = deps.env.UPLOAD_CHUNK_MAX_BYTES;
    try {
      // Refused before a byte is read when the length says so; otherwise while streaming.
      if (contentLength !== undefined && contentLength > limit) {
        throw new UploadTooLarge({ what: "chunk", limit });
      }
      const stored = await putChunk(deps, {
        uploadId: ref.data.id,
        n: ref.data.n,
        body: c.req.raw.body,
        contentLength,
        declaredSha256: headers.data[CHUNK_SHA256_HEADER],
      });
      return c.json(stored, stored.outcome === "stored" ? 201 : 200);
    } catch (error) {
      return sendFailure(c, log, error);
    }
  });
  app.post("/api/uploads/:id/finalize", (c) =>
    answerProcedure(
      c,
      log,
      () => procedures(ctx, c).uploads.finalize({ id: c.req.param("id") }),
      202,
    ),
  );
  app.get("/api/uploads/:id", (c) =>
    answerProcedure(c, log, () => procedures(ctx, c).uploads.get({ id: c.req.param("id") })),
  );
};
