import type { Sql } from "@scaleproof/db/client";
import { flipUploadChunkByte } from "@scaleproof/db/queries/flipUploadChunkByte";
import { getUpload } from "@scaleproof/db/queries/getUpload";
import type { Logger } from "pino";
import type { FaultRegistry } from "./registry.ts";

/**
 * The `upload-corrupt-chunk` fault, one-shot: the next chunk an instance stores (of an
 * upload of the fault's `params.runId`, when given) has one byte flipped in Postgres right
 * after it was stored. The chunk is still answered with the sha256 of the bytes received:
 * the client is told its bytes are stored, and they are not. `consume` is atomic, so
 * exactly one chunk in the cluster is hit.
 */
export const corruptChunk = async (
  deps: { readonly faults: FaultRegistry; readonly sql: Sql; readonly log: Logger },
  uploadId: string,
  n: number,
): Promise<void> => {
  const fault = deps.faults.find("upload-corrupt-chunk");
  if (!fault) return;
  const want = fault.params.runId;
  if (typeof want === "string" && (await getUpload(deps.sql, uploadId))?.run_id !== want) return;
  if (!(await deps.faults.consume(fault))) return;
  const at = await flipUploadChunkByte(deps.sql, uploadId, n);
  deps.log.warn(
    { event: "fault_upload_corrupt_chunk", uploadId, n, at },
    "FAULT upload-corrupt-chunk: a stored chunk's byte flipped after it was acknowledged",
  );
};
