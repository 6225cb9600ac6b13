import { Context, type Effect } from "effect";

/**
 * The enqueues the load engine got acknowledged (a 2xx answer carrying a job id), by
 * level name: the scale-out/in check looks for each of the scaled level's in the queue's
 * history (issue 14 #5: no job lost while an instance joins and leaves). Optional: a
 * runner that does not provide it cannot prove that check ("not proven", FAIL).
 */
export class EnqueueAcks extends Context.Service<
  EnqueueAcks,
  {
    /** Job ids acknowledged to the level's enqueues, in the order the answers came. */
    readonly jobIds: (level: string) => Effect.Effect<readonly string[]>;
  }
>()("@scaleproof/core/EnqueueAcks") {}
