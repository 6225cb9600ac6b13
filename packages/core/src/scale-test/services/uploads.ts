import { Context, type Effect, Layer } from "effect";
import type { TargetUnreachable } from "../errors.ts";
import type {
  JobStatus,
  PreparedUpload,
  QueueSample,
  StoredUpload,
  UploadSpec,
} from "../profiles/uploads/data.ts";
import { fakeUploads, type UploadsModel } from "../testing/uploads.ts";
import { World } from "../testing/world.ts";
import type { WriteReply } from "./writeReply.ts";

/**
 * Chunked uploads as the runner sees them: the bytes of each upload (generated, so any
 * pass over them repeats them exactly), the upload API through the balancer (signed as
 * run evidence), the cluster's queue depth, and what Postgres holds afterwards (read back
 * by the runner: chunk hashes recomputed by Postgres from the stored bytes).
 */
export class Uploads extends Context.Service<
  Uploads,
  {
    /** How the bytes are made (for the report). */
    readonly source: string;
    /** A pass over an upload's bytes: the whole file's sha256 and each chunk's. */
    readonly prepare: (spec: UploadSpec) => Effect.Effect<PreparedUpload>;
    /** `POST /api/uploads`: declares the file (size, sha256); 201 with its id. */
    readonly create: (upload: PreparedUpload) => Effect.Effect<WriteReply, TargetUnreachable>;
    /** `PUT /api/uploads/:id/chunks/:n`: chunk n's bytes, streamed, with its sha256 in a header. */
    readonly putChunk: (
      upload: PreparedUpload,
      uploadId: string,
      n: number,
    ) => Effect.Effect<WriteReply, TargetUnreachable>;
    /** `POST /api/uploads/:id/finalize`: 202 with the processing job's id. */
    readonly finalize: (uploadId: string) => Effect.Effect<WriteReply, TargetUnreachable>;
    /** Jobs pending cluster-wide (`GET /ops/workers`); null when it did not answer. */
    readonly queue: Effect.Effect<QueueSample | null>;
    /** Where these uploads' processing jobs stand (cheap: polled until they have all ended). */
    readonly jobs: (
      uploadIds: readonly string[],
    ) => Effect.Effect<readonly { readonly id: string; readonly jobStatus: JobStatus }[]>;
    /** These uploads as stored, with their chunks re-hashed by Postgres and their jobs. */
    readonly stored: (uploadIds: readonly string[]) => Effect.Effect<readonly StoredUpload[]>;
  }
>()("@scaleproof/core/Uploads") {
  /** In memory: the `World`'s instances, healthy (see `UploadsModel`). */
  static readonly layerTest = Layer.effect(
    Uploads,
    World.useSync((world) => Uploads.of(fakeUploads(world))),
  );

  /** In memory, with one property broken by the model. */
  static readonly layerModel = (model: UploadsModel) =>
    Layer.effect(
      Uploads,
      World.useSync((world) => Uploads.of(fakeUploads(world, model))),
    );
}
